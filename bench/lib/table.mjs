// Markdown tables and number formatting for benchmark reports.

/** A markdown table from a header row and rows of cells (already strings). */
export function markdownTable(header, rows) {
  const line = (cells) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** A number with `digits` decimals, or '–' when it is missing. */
export function fixed(value, digits = 1) {
  return value === null || value === undefined || !Number.isFinite(value) ? '–' : value.toFixed(digits);
}

/** A ratio as '1.23×', or '–' when it is missing. */
export function times(value) {
  return value === null || !Number.isFinite(value) ? '–' : `${value.toFixed(2)}×`;
}

/** A two-column table of named ratios (`times` of each). */
export function ratioTable(ratios) {
  return markdownTable(['ratio', 'value'], Object.entries(ratios).map(([k, v]) => [k, times(v)]));
}
