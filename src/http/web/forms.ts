// Schema pieces every web form shares. The CSRF token travels in each form body and is
// checked before validation (web/index.ts); the schema only has to let it through.
import { Type } from 'typebox';

export const CsrfToken = Type.Optional(Type.String({ maxLength: 200 }));

/** A secret link's token (verification, status), as it arrives in a query or a form. */
export const LinkToken = Type.Optional(Type.String({ maxLength: 200 }));

/** A form whose only field is a link's token. */
export const LinkTokenForm = Type.Object({ token: LinkToken, _csrf: CsrfToken });
