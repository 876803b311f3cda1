// The iframe / web-view page: everything happens in mountEmbed (query parameters, token scrub,
// session token verification, delivery to a bridge, the allowed parent or the registered return URL).
// The verifier is pinned by this site's own backend (/demo-api/config, same origin): never by the
// link, so a crafted link cannot send frames or the person elsewhere.
import { demoApi } from './app/api.ts';
import { mountEmbed } from '../web-component/embed/iframe-page.ts';

const lang = new URLSearchParams(location.search).get('locale');
if (lang) document.documentElement.lang = lang;
// no config → no verifier → the page shows VERIFIER_NOT_CONFIGURED and does nothing else
void demoApi.config().then(
  (c) => c.verifierUrl,
  () => null,
).then((verifier) => mountEmbed({ container: document.querySelector('#app')!, verifier }));
