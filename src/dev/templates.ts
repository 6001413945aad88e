/** `dev`'s templates: reloaded when a file of templates/ changes; broken ones keep the previous renderer. */
import { fileDiagnostic, type Diagnostic } from '../core/diagnostic.js';
import { Rule } from '../core/rules.js';
import { createRenderer, TEMPLATES, type Renderer } from '../render/index.js';
import { TEMPLATES_DIR } from '../source/index.js';

const BUILTIN_TEMPLATE_NAMES = new Set(TEMPLATES.map((t) => t.name));

export class DevTemplates {
  renderer: Renderer | null = null;
  /** Why the templates could not be loaded (the previous renderer, if any, is kept). */
  error: Diagnostic | null = null;

  constructor(private readonly root: string) {}

  async reload(): Promise<void> {
    try {
      this.renderer = await createRenderer({ root: this.root });
      this.error = null;
    } catch (e) {
      const message = `the templates could not be loaded: ${e instanceof Error ? e.message : String(e)}`;
      this.error = fileDiagnostic(TEMPLATES_DIR, Rule.TemplateError, message, 'fix the template; until then the previous templates are used');
    }
  }

  /** A user template replaces one of ours: it may show anything of the model, so pages are never patched. */
  get overridesBuiltins(): boolean {
    return this.renderer?.templates.some((t) => t.origin === 'user' && BUILTIN_TEMPLATE_NAMES.has(t.name)) ?? false;
  }
}
