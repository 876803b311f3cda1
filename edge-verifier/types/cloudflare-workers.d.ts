// Minimal declaration of the workerd built-in module (provided at run time by workerd; esbuild
// leaves it external). See adapters/workers-types.ts for why the full typings are not used.
declare module 'cloudflare:workers' {
  export abstract class DurableObject<Env = unknown> {
    protected ctx: import('../adapters/workers-types.ts').DurableObjectStateLike;
    protected env: Env;
    constructor(ctx: import('../adapters/workers-types.ts').DurableObjectStateLike, env: Env);
  }
}
