/**
 * Compressed bodies made by other implementations, to check the decoders
 * against bytes this project did not write.
 *
 * `JAVA`: `CompressorFactory.getCompressor(type).compress(SMALL, 5)` of
 * Apache RocketMQ 5.5.0's rocketmq-common (lz4-java 1.10.3 frames, zstd-jni
 * 1.5.2, java.util.zip), run once on JDK 17. `LZ4_CLI`: the reference `lz4`
 * command line tool 1.9.4 with the flags named in each key, over SMALL,
 * LINKED (72,000 bytes: two 64 KiB blocks with `-B4`) or INCOMPRESSIBLE.
 */

/** 1,334 bytes: "record <i % 17> of a compressible body; " for i in 0..39. */
export const SMALL = Array.from({ length: 40 }, (_, i) => `record ${i % 17} of a compressible body; `).join("");
/** 72,000 bytes: "linked block line <i % 50, 5 digits>\n" for i in 0..2999. */
export const LINKED = Array.from({ length: 3000 }, (_, i) => `linked block line ${String(i % 50).padStart(5, "0")}\n`).join("");
/** 200 bytes: ((i * 2654435761) >> 13) & 0xff. */
export const INCOMPRESSIBLE = Uint8Array.from({ length: 200 }, (_, i) => Number((BigInt(i) * 2654435761n) >> 13n) & 0xff);

export const JAVA = {
  LZ4: "BCJNGGBwc5sAAADzEnJlY29yZCAwIG9mIGEgY29tcHJlc3NpYmxlIGJvZHk7ICEAHzEhAA0fMiEADR8zIQANHzQhAA0fNSEADR82IQANHzchAA0fOCEADR85IQANHzFLAQ8PTAEOHzFNAQ4fMU4BDh8xTwEOHzFQAQ4fMVEBDg/tAA8PMAEND+sADg/qAA4P6QAOD+gADg/nAA4POAL/+VBvZHk7IAAAAAA=",
  ZSTD: "KLUv/QBYTAMANANyZWNvcmQgMCBvZiBhIGNvbXByZXNzaWJsZSBib2R5OyAxMjM0NTY3ODkxMTExMTEwMTIVAJF2iAoAfgBngAvVjje1I5PaUaJ2PKgd+WlHc1oOA7gA/ADOAC4AP4AzgAvAD2AW4ioyAQAA",
  ZLIB: "eF7t0rkNgEAMRNFWXALmRlTDHkhIICNvRPcEJGS/gc1fMl/jOZonacR22STadXsu5QhnlmDpWcU/oARaAh2BnsBAYCQwEZgJLASUU2JLxZiKNRVzKvZUDMpjCeBUXIpDcSfOrL+pv/mDF7+Z0sE=",
} as const;

export const LZ4_CLI = {
  /** `lz4` (content checksum on by default), SMALL */
  contentChecksum: "BCJNGGRAp5sAAADzEnJlY29yZCAwIG9mIGEgY29tcHJlc3NpYmxlIGJvZHk7ICEAHzEhAA0fMiEADR8zIQANHzQhAA0fNSEADR82IQANHzchAA0fOCEADR85IQANHzFLAQ8PTAEOHzFNAQ4fMU4BDh8xTwEOHzFQAQ4fMVEBDg/tAA8PMAEND+sADg/qAA4P6QAOD+gADg/nAA4POAL/+VBvZHk7IAAAAADIgibG",
  /** `lz4 --no-frame-crc`, SMALL */
  noContentChecksum: "BCJNGGBAgpsAAADzEnJlY29yZCAwIG9mIGEgY29tcHJlc3NpYmxlIGJvZHk7ICEAHzEhAA0fMiEADR8zIQANHzQhAA0fNSEADR82IQANHzchAA0fOCEADR85IQANHzFLAQ8PTAEOHzFNAQ4fMU4BDh8xTwEOHzFQAQ4fMVEBDg/tAA8PMAEND+sADg/qAA4P6QAOD+gADg/nAA4POAL/+VBvZHk7IAAAAAA=",
  /** `lz4 -BX`, SMALL */
  blockChecksums: "BCJNGHRAvZsAAADzEnJlY29yZCAwIG9mIGEgY29tcHJlc3NpYmxlIGJvZHk7ICEAHzEhAA0fMiEADR8zIQANHzQhAA0fNSEADR82IQANHzchAA0fOCEADR85IQANHzFLAQ8PTAEOHzFNAQ4fMU4BDh8xTwEOHzFQAQ4fMVEBDg/tAA8PMAEND+sADg/qAA4P6QAOD+gADg/nAA4POAL/+VBvZHk7IFgSWkAAAAAAyIImxg==",
  /** `lz4 --content-size` (of a file: the size is known), SMALL */
  contentSize: "BCJNGGxANgUAAAAAAAApmwAAAPMScmVjb3JkIDAgb2YgYSBjb21wcmVzc2libGUgYm9keTsgIQAfMSEADR8yIQANHzMhAA0fNCEADR81IQANHzYhAA0fNyEADR84IQANHzkhAA0fMUsBDw9MAQ4fMU0BDh8xTgEOHzFPAQ4fMVABDh8xUQEOD+0ADw8wAQ0P6wAOD+oADg/pAA4P6AAOD+cADg84Av/5UG9keTsgAAAAAMiCJsY=",
  /** `lz4 -B4 -BD`: 64 KiB linked blocks, LINKED */
  linked64k: "BCJNGERAXhgCAAD/CWxpbmtlZCBibG9jayBsaW5lIDAwMDAwChgAAx8xGAAEHzIYAAQfMxgABB80GAAEHzUYAAQfNhgABB83GAAEHzgYAAQfORgAAx8x8AAEHzHwAAQfMfAABB8x8AAEHzHwAAQfMfAABB8x8AAEHzHwAAQfMfAABB8x8AAEHzLwAAQfMvAABB8y8AAEHzLwAAQfMvAABB8y8AAEHzLwAAQfMvAABB8y8AAEHzLwAAQfM/AABB8z8AAEHzPwAAQfM/AABB8z8AAEHzPwAAQfM/AABB8z8AAEHzPwAAQfM/AABB808AAEHzTwAAQfNPAABB808AAEHzTwAAQfNPAABB808AAEHzTwAAQfNPAABB808AAED7AE////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////H1BrIGxpbiMAAAAPIP3/////////////////////////////////QVAwMDQ5CgAAAABCRI2H",
  /** `lz4 -B4`: 64 KiB independent blocks, LINKED */
  independent64k: "BCJNGGRApxcCAADwBGxpbmtlZCBibG9jayBsaW5lIDABAB8KGAADHzEYAAQfMhgABB8zGAAEHzQYAAQfNRgABB82GAAEHzcYAAQfOBgABB85GAADLzEwGAAED/AABB8x8AAEHzHwAAQfMfAABB8x8AAEHzHwAAQfMfAABB8x8AAEHzHwAAQfMvAABB8y8AAEHzLwAAQfMvAABB8y8AAEHzLwAAQfMvAABB8y8AAEHzLwAAQfMvAABB8z8AAEHzPwAAQfM/AABB8z8AAEHzPwAAQfM/AABB8z8AAEHzPwAAQfM/AABB8z8AAEHzTwAAQfNPAABB808AAEHzTwAAQfNPAABB808AAEHzTwAAQfNPAABB808AAEHzTwAAQPsAT///////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////8fUGsgbGluLwEAAPIJZSAwMDAzMApsaW5rZWQgYmxvY2sgbGluGAAfMRgABB8yGAAEHzMYAAQfNBgABB81GAAEHzYYAAQfNxgABB84GAAEHzkYAAMfNPAABB808AAEHzTwAAQfNPAABB808AAEHzTwAAQfNPAABB808AAEHzTwAAQfNPAABB8w8AAEHzDwAAQfMPAABB8w8AAEHzDwAAQfMPAABB8w8AAEHzDwAAQfMPAABB8w8AAEHzHwAAQfMfAABB8x8AAEHzHwAAQfMfAABB8x8AAEHzHwAAQfMfAABB8x8AAEHzHwAAQfMvAABB8y8AAEHzLwAAQfMvAABB8y8AAEHzLwAAQfMvAABB8y8AAEHzLwAAQfMvAABA+wBP//////////////////////////h1AwMDQ5CgAAAABCRI2H",
  /** `lz4`, INCOMPRESSIBLE: stored as an uncompressed block */
  incompressible: "BCJNGGRAp8gAAIAAu3cz76tmIt6aVhHNiUUBvHg08KxnI9+bVxLOikYCvXk18a1oJOCcWBPPi0cDvno28q5pJeGdWRTQjEgEv3s3869qJuKeWhbRjUkFwXw49LBsJ+OfWxfSjkoGwn059bFtKOSgXBjTj0sHw3469rJuKeWhXRnUkEwIxH8797NvKuaiXhrVkU0JxYA8+LRwLOejXxvXkk4KxoI9+bVxLeikYBzYk08Lx4M++rZyLumlYR3ZlFAMyIQ/+7dzL+qmYh7alVENyYVA/AAAAACR5hI6",
} as const;
