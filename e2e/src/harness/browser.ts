import { existsSync } from 'node:fs';

import { type Browser, chromium, type Page } from 'playwright-core';

/** Debian's Chromium (CI installs it in .ci/run); playwright-core cannot download a browser on this network. */
export const CHROMIUM = '/usr/bin/chromium';
/** The flags a closed network needs: no background fetches, no component updates, no QUIC probes. */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Whether the browser specs can run here. Missing Chromium fails them under CI (they must not vanish from a CI
 * run) and skips them elsewhere, saying why.
 */
export function chromiumAvailable(): boolean {
  if (existsSync(CHROMIUM)) return true;
  if (process.env['CI'] === 'true')
    throw new Error(
      `${CHROMIUM} is missing: the console's browser tests need Debian's chromium (apt-get install chromium)`,
    );
  console.warn(`skipping the browser tests: ${CHROMIUM} is missing (apt-get install chromium)`);
  return false;
}

/** Chromium with a fresh profile (playwright gives each launch a temporary one). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: number;
}

/** axe-core's serious and critical violations on the page as it is now (an empty list passes). */
export async function seriousA11yViolations(page: Page): Promise<AxeViolation[]> {
  await page.addScriptTag({ path: require.resolve('axe-core/axe.min.js') });
  const violations = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(): Promise<{ violations: Array<Record<string, unknown>> }> } })
      .axe;
    return (await axe.run()).violations.map((v) => ({
      id: String(v['id']),
      impact: (v['impact'] as string | null) ?? null,
      help: String(v['help']),
      nodes: (v['nodes'] as unknown[]).length,
    }));
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}
