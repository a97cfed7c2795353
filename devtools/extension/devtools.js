// Runs once per DevTools window: adds the "Cachette" panel (panel.html renders it).
chrome.devtools.panels.create('Cachette', '', 'panel.html');
