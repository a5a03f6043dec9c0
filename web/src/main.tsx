import { render } from 'preact';
import './styles/app.css';
import { call } from './api/client';

async function boot() {
  const me = await call('users/get_session_user', {});
  render(<p>Hello {me.name}</p>, document.getElementById('app')!);
}
void boot();
