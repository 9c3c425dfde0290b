/** A button of the custom menu as stored: a leaf with a type, or a parent of sub buttons. */
export interface EmulatorMenuButton {
  name: string;
  type?: string;
  key?: string;
  url?: string;
  media_id?: string;
  article_id?: string;
  appid?: string;
  pagepath?: string;
  sub_button?: EmulatorMenuButton[];
}

/** The account's custom menu (one per account): what `menu/create` stored, if anything. */
export class EmulatorMenu {
  private buttons?: EmulatorMenuButton[];

  set(buttons: EmulatorMenuButton[]): void {
    this.buttons = buttons;
  }

  delete(): void {
    this.buttons = undefined;
  }

  get(): EmulatorMenuButton[] | undefined {
    return this.buttons && structuredClone(this.buttons);
  }
}
