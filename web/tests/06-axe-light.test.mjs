// Accessibility: axe-core audits the app's main screens (Decisions, Meetings and an agenda
// thread among them), their menus and dialogs, in light, and finds no violation of impact
// "serious" or "critical" (lib/axe.mjs).

import { auditAppScreensIn } from './lib/axe.mjs';

auditAppScreensIn('light');
