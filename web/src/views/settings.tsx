// My settings — a placeholder until the settings views are built.
// To come here (one section per URL, /a/{ws}/settings/{section}): profile and time zone,
// working hours per weekday, do-not-disturb blocks, away with dates and a note, delivery
// (each / hourly / daily), email per kind, per-channel notification settings.

import { Empty } from '../components/Empty';
import { ViewHeader } from '../components/ViewHeader';

export function SettingsView({ section }: { ws: number; section: string }) {
  return (
    <section class="view">
      <ViewHeader title="Settings" subtitle={section} />
      <Empty icon="gear" title="Settings are coming">
        Your profile, time zone, working hours, do-not-disturb, away time and how notifications reach you will
        be set here.
      </Empty>
    </section>
  );
}
