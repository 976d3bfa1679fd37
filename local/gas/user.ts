/** Base.User: what getOwner/getEditors/Session.getActiveUser return. */
import { EmuObject, GAS_CLASS, type Ctx } from './service';
import type { Emulates } from './emulates';

export class EmuUser extends EmuObject implements Emulates<GoogleAppsScript.Base.User, 'getEmail'> {
  readonly [GAS_CLASS] = 'Session.User';
  constructor(
    ctx: Ctx,
    private readonly _email: string,
  ) {
    super(ctx);
  }
  getEmail(): string {
    return this._email;
  }
}
