// The README's quick start in the app `npm create vite@latest -- --template react-ts` makes.
import './caches';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { register } from 'cachette/page';
import App from './App';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
register(`${import.meta.env.BASE_URL}sw.js`).catch((error: Error) => console.warn(error.message));
