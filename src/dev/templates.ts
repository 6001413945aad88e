/** `dev`'s templates: reloaded when a file of templates/ changes; broken ones keep the previous renderer. */
import type { Diagnostic } from '../core/diagnostic.js';
import { createRenderer, TEMPLATES, templateDiagnostics, type Renderer } from '../render/index.js';

const BUILTIN_TEMPLATE_NAMES = new Set(TEMPLATES.map((t) => t.name));

export class DevTemplates {
  renderer: Renderer | null = null;
  /** Why the templates could not be loaded, as `check` says it (the previous renderer, if any, is kept). */
  errors: Diagnostic[] = [];

  constructor(private readonly root: string) {}

  async reload(): Promise<void> {
    try {
      this.renderer = await createRenderer({ root: this.root });
      this.errors = [];
    } catch (e) {
      this.errors = templateDiagnostics(e).map((d) => ({ ...d, hint: `${d.hint ?? 'fix the template'}; until then the previous templates are used` }));
    }
  }

  /** A user template replaces one of ours: it may show anything of the model, so pages are never patched. */
  get overridesBuiltins(): boolean {
    return this.renderer?.templates.some((t) => t.origin === 'user' && BUILTIN_TEMPLATE_NAMES.has(t.name)) ?? false;
  }
}
