// The web app's entry: installs the few page-wide behaviours and renders the app.

import { render } from 'preact';
import './styles/app.css';
import { openContentLinks } from './components/Markdown';
import { installKeyboard } from './keyboard';
import { interceptLinks } from './router';
import { App } from './views/App';

/** In dev mode (`weft serve --web-dir …`) the server tells the page to reload on rebuild. */
function followDevReload(): void {
  if (document.querySelector('meta[name="weft-dev-reload"]')?.getAttribute('content') !== '1') return;
  const source = new EventSource('/dev/reload');
  source.onmessage = () => location.reload();
}

const root = document.getElementById('app')!;
interceptLinks(document.body);
openContentLinks(document.body);
installKeyboard();
followDevReload();
render(<App />, root);
