// The page's report, or an error that says why there is none (with the browser's last output).

/**
 * Awaits `reported` (from `server.nextReport`) and returns the page's report, failing with
 * the browser's last output when no report came, and with the page's error when it failed.
 */
export async function pageReport(reported, browser) {
  let report;
  try {
    report = await reported;
  } catch (error) {
    throw new Error(`${error.message}; last browser output:\n${browser.diagnostics().join('\n')}`, { cause: error });
  }
  if (!report.ok) throw new Error(`the page failed: ${report.error}\n${report.stack ?? ''}`);
  return report;
}
