import './caches';
import { register } from 'cachette/page';

async function renderApp(): Promise<void> {
  const response = await fetch('/api/time');
  const { time } = (await response.json()) as { time: number };
  document.querySelector('#app')!.textContent = `time: ${time}`;
}

void renderApp();
register(`${import.meta.env.BASE_URL}sw.js`).catch((error: Error) => console.warn(error.message));
