/** set by vite.config.ts: the content-hashed path of the models and wasm ("/" before `npm run models`) */
declare const __DEMO_KIT_ASSETS__: string;
