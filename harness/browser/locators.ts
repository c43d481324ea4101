/** A config LocatorSpec as a Playwright locator. */
import type { Locator, Page } from 'playwright-core';
import type { LocatorSpec } from '../target/model.ts';

export function resolveLocator(page: Page, spec: LocatorSpec): Locator {
  const root = spec.frame ? page.frameLocator(spec.frame) : page;
  const exact = spec.exact;
  let locator: Locator;
  if ('label' in spec) locator = root.getByLabel(spec.label, { exact });
  else if ('role' in spec) locator = root.getByRole(spec.role as Parameters<Page['getByRole']>[0], { ...(spec.name !== undefined ? { name: spec.name } : {}), exact });
  else if ('css' in spec) locator = root.locator(spec.css);
  else if ('placeholder' in spec) locator = root.getByPlaceholder(spec.placeholder, { exact });
  else if ('text' in spec) locator = root.getByText(spec.text, { exact });
  else locator = root.getByTestId(spec.testId);
  return locator.first();
}

export function describeLocator(spec: LocatorSpec): string {
  const { frame, exact: _exact, ...rest } = spec as LocatorSpec & Record<string, unknown>;
  return `${JSON.stringify(rest)}${frame ? ` in frame ${frame}` : ''}`;
}

/** Visible now, without waiting (the driver polls). */
export async function isVisible(page: Page, spec: LocatorSpec | undefined): Promise<boolean> {
  if (!spec) return false;
  try {
    return await resolveLocator(page, spec).isVisible();
  } catch {
    return false;
  }
}
