import { isObject } from './routes/json-post.js';
import { fitsKeyType } from './template-value-rules.js';

/** The templates the account has chosen (template messages or subscription notifications). */
export class MessageTemplates {
  private readonly templates = new Map<string, string[]>();

  add(templateId: string, keys: string[]): void {
    if (!templateId || keys.some((key) => !/^[A-Za-z_][A-Za-z0-9_]*$/.test(key))) {
      throw new Error(
        `a template needs an id and keys such as 'thing1', got ${JSON.stringify({ templateId, keys })}`,
      );
    }
    this.templates.set(templateId, [...keys]);
  }

  has(templateId: unknown): boolean {
    return typeof templateId === 'string' && this.templates.has(templateId);
  }

  /**
   * What is wrong with a send's `data` for this template, in WeChat's words (the errmsg of
   * 47003), or undefined when every key of the template has a fitting `{ value }`.
   * Keys the template does not have are ignored, as WeChat does.
   */
  problemWith(templateId: string, data: unknown): string | undefined {
    if (!isObject(data)) return 'argument invalid! data is empty';
    for (const key of this.templates.get(templateId) ?? []) {
      const entry = data[key];
      const value = isObject(entry) ? entry.value : undefined;
      if (typeof value !== 'string' || value === '') {
        return `argument invalid! data.${key}.value is empty`;
      }
      if (!fitsKeyType(key, value)) return `argument invalid! data.${key}.value invalid`;
    }
    return undefined;
  }
}
