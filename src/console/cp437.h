/*
 * cp437.h - IBM PC code page 437 to UTF-8.
 *
 * The PC's text-mode character ROM draws every byte as a glyph, including
 * 00h-1Fh (smileys, card suits, arrows) and 7Fh (house). Two views:
 *   cp437_to_utf8()        a screen cell: every byte is a glyph (00h, the
 *                          empty cell, becomes a space);
 *   cp437_stream_to_utf8() a byte stream (a DOS program's output sent to a
 *                          terminal): 00h-1Fh and 7Fh stay the ASCII control
 *                          characters they are (CR, LF, TAB, BS, BEL, ESC
 *                          keep working); 80h-FFh are translated.
 *
 * Source: the IBM PC character set (IBM Personal Computer Technical
 * Reference, "Character Set"), as mapped to Unicode by the Unicode
 * Consortium's CP437 table, with the graphic meanings of 01h-1Fh and 7Fh.
 */
#ifndef MVDM_CONSOLE_CP437_H
#define MVDM_CONSOLE_CP437_H

#include <stddef.h>
#include <stdint.h>

/* The Unicode code point of the glyph the PC draws for ch (00h -> U+0000). */
uint16_t cp437_codepoint(uint8_t ch);

/* A screen cell: writes the UTF-8 bytes (1-3, not NUL-terminated) of the
 * glyph for ch into out and returns how many. 00h gives a space. */
size_t cp437_to_utf8(uint8_t ch, char out[4]);

/* A byte stream: as cp437_to_utf8(), except that 00h-1Fh and 7Fh are copied
 * unchanged (one byte) as control characters. */
size_t cp437_stream_to_utf8(uint8_t ch, char out[4]);

/* Encodes a code point below U+10000 as UTF-8 into out; returns 1-3. */
size_t cp437_utf8_encode(uint16_t cp, char out[4]);

/* The code page 437 byte that shows code point cp, or -1 if none does.
 * Below U+0080 the byte is the code point itself (ASCII, and the control
 * characters of a byte stream); the graphic meanings of 01h-1Fh and 7Fh
 * (U+263A...) map to their bytes too. */
int cp437_from_codepoint(uint32_t cp);

/* Decodes the UTF-8 sequence at buf[0..len) (RFC 3629). Returns the bytes
 * it takes, with *cp set: a valid sequence gives its code point; a byte
 * that cannot start or continue one gives 1 byte of U+FFFD. Returns 0 if
 * buf holds only the start of a valid sequence (wait for more). */
size_t utf8_decode(const uint8_t *buf, size_t len, uint32_t *cp);

#endif
