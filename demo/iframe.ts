// The iframe / web-view page: everything happens in mountEmbed (query parameters, token scrub,
// delivery to a bridge, the allowed parent or the registered return URL).
import { mountEmbed } from '../web-component/embed/iframe-page.ts';

const lang = new URLSearchParams(location.search).get('locale');
if (lang) document.documentElement.lang = lang;
mountEmbed({ container: document.querySelector('#app')! });
