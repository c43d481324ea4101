/** A config LocatorSpec as a Playwright locator. */
import type { Locator, Page } from 'playwright-core';
import { locatorKinds, type LocatorSpec } from '../target/model.ts';

/** Every element the spec matches (Playwright's strict locator, without .first()). */
export function resolveLocatorAll(page: Page, spec: LocatorSpec): Locator {
  const root = spec.frame ? page.frameLocator(spec.frame) : page;
  const exact = spec.exact;
  if ('label' in spec) return root.getByLabel(spec.label, { exact });
  if ('role' in spec) return root.getByRole(spec.role as Parameters<Page['getByRole']>[0], { ...(spec.name !== undefined ? { name: spec.name } : {}), exact });
  if ('css' in spec) return root.locator(spec.css);
  if ('placeholder' in spec) return root.getByPlaceholder(spec.placeholder, { exact });
  if ('text' in spec) return root.getByText(spec.text, { exact });
  return root.getByTestId(spec.testId);
}

/** The first element the spec matches: a config locator names one control. */
export function resolveLocator(page: Page, spec: LocatorSpec): Locator {
  return resolveLocatorAll(page, spec).first();
}

/**
 * The whole locator as the config has it, so a vendor can find it in the file:
 * `{"label":"Password","exact":true}`, `{"role":"button","name":"Allow","frame":"#consent"}`.
 * Keys come in a fixed order (kind, name, exact, frame); anything else a caller added is left out.
 */
export function describeLocator(spec: LocatorSpec): string {
  const s = spec as LocatorSpec & Record<string, unknown>;
  const ordered: Record<string, unknown> = {};
  for (const key of [...locatorKinds, 'name', 'exact', 'frame']) if (s[key] !== undefined) ordered[key] = s[key];
  return JSON.stringify(ordered);
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

/** `login.password {"label":"Password","exact":true} matched nothing on "Sign in" at http://…/login` */
export function matchedNothing(path: string, spec: LocatorSpec, page: { title: string; url: string }): string {
  return `${path} ${describeLocator(spec)} matched nothing on "${page.title}" at ${page.url}`;
}
