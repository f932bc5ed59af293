import type { Extension, Greeting } from '../domain/types.ts';

/** A mutation answer naming an extension; the record is read back only when the client asks for it. */
export interface ExtensionPayloadModel {
  /** Source id. */
  sourceId: string;
  /** Vendor id of the extension. */
  vendorId: string;
  /** The record read back after the write, when the mutation read it. */
  ext?: Extension | undefined;
  /** A secret the vendor generated, only for a caller with the `secrets` scope. */
  generatedPassword?: string | null;
}

/** A greeting write's answer. */
export interface GreetingPayloadModel extends ExtensionPayloadModel {
  /** The greetings read back after the write. */
  greetings: Greeting[];
}

/** originateCall's answer. */
export interface CallPayloadModel extends ExtensionPayloadModel {
  /** The vendor's id of the call. */
  callId: string | null;
}
