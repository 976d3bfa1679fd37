/** SHA-256 through Apps Script (Utilities.computeDigest), as lower-case hex of the UTF-8 text's digest. */
export function sha256Hex(text: string): string {
  const bytes = Utilities.computeDigest(Utilities.DigestAlgorithm.SHA_256, text, Utilities.Charset.UTF_8);
  let out = '';
  // Apps Script gives signed bytes (-128…127).
  for (const b of bytes) out += (b & 0xff).toString(16).padStart(2, '0');
  return out;
}
