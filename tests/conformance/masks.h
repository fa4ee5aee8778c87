/*
 * masks.h - undefined-flag masks from a suite's metadata.json.
 *
 * opcodes["XX"]["flags-mask"] for the file XX.json.gz,
 * opcodes["XX"]["reg"]["R"]["flags-mask"] for XX.R.json.gz; 0xFFFF when the
 * file, the entry or the mask is missing.
 */
#ifndef MVDM_CONFORMANCE_MASKS_H
#define MVDM_CONFORMANCE_MASKS_H

#include <stddef.h>
#include <stdint.h>

struct masks;

/* Load DIR/metadata.json. A missing file gives empty masks (all 0xFFFF).
 * Returns 0, or -1 with a message in err (unreadable or invalid JSON). */
int masks_load(struct masks **out, const char *dir, char *err, size_t errlen);

/* The mask for a vector file stem ("F6" or "F6.6", without ".json.gz"). */
uint16_t masks_lookup(const struct masks *m, const char *stem);

/* Whether a metadata.json was found. */
int masks_present(const struct masks *m);

void masks_free(struct masks *m);

#endif
