import { useEffect, useState } from 'react';

/** The app: a number the API changes on every request, so a cached answer shows. */
export default function App() {
  const [time, setTime] = useState<number | null>(null);
  useEffect(() => {
    void fetch('/api/time')
      .then((response) => response.json() as Promise<{ time: number }>)
      .then(({ time }) => setTime(time));
  }, []);
  return <main id="app">{time === null ? 'loading…' : `time: ${time}`}</main>;
}
