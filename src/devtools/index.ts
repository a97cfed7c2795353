// 'cachette/devtools': the devtools panel (mountDevtools).
// Not built yet: issue 5 fills this entry point.
export {};
