/*
 * masks.c - undefined-flag masks from metadata.json; see masks.h.
 */
#include "masks.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct masks {
	cJSON *root;    /* NULL: no metadata.json */
};

static char *read_file(const char *path, size_t *len, int *err_no)
{
	FILE *fp = fopen(path, "rb");
	if (fp == NULL) {
		*err_no = errno;
		return NULL;
	}
	size_t cap = 1u << 16, n = 0;
	char *buf = malloc(cap);
	while (buf != NULL) {
		n += fread(buf + n, 1, cap - n, fp);
		if (n < cap)
			break;
		char *nb = realloc(buf, cap * 2);
		if (nb == NULL) {
			free(buf);
			buf = NULL;
			break;
		}
		buf = nb;
		cap *= 2;
	}
	if (buf == NULL) {
		*err_no = ENOMEM;
	} else if (ferror(fp)) {
		*err_no = EIO;
		free(buf);
		buf = NULL;
	}
	fclose(fp);
	*len = n;
	return buf;
}

int masks_load(struct masks **out, const char *dir, char *err, size_t errlen)
{
	*out = NULL;
	struct masks *m = calloc(1, sizeof(*m));
	if (m == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	char path[4096];
	snprintf(path, sizeof(path), "%s/metadata.json", dir);
	size_t len = 0;
	int err_no = 0;
	char *text = read_file(path, &len, &err_no);
	if (text == NULL) {
		if (err_no == ENOENT) {
			*out = m;
			return 0;
		}
		snprintf(err, errlen, "%s: %s", path, strerror(err_no));
		free(m);
		return -1;
	}
	m->root = cJSON_ParseWithLength(text, len);
	free(text);
	if (!cJSON_IsObject(m->root)) {
		snprintf(err, errlen, "%s: not a JSON object", path);
		masks_free(m);
		return -1;
	}
	*out = m;
	return 0;
}

static uint16_t mask_of(const cJSON *entry)
{
	const cJSON *mask = cJSON_GetObjectItemCaseSensitive(entry, "flags-mask");
	if (!cJSON_IsNumber(mask) || mask->valuedouble < 0 || mask->valuedouble > 65535)
		return 0xFFFF;
	return (uint16_t)mask->valueint;
}

uint16_t masks_lookup(const struct masks *m, const char *stem)
{
	if (m == NULL || m->root == NULL)
		return 0xFFFF;
	char op[64];
	snprintf(op, sizeof(op), "%s", stem);
	char *reg = strchr(op, '.');
	if (reg != NULL)
		*reg++ = '\0';
	/* Keys are upper-case hex like the file names; accept either case. */
	const cJSON *opcodes = cJSON_GetObjectItemCaseSensitive(m->root, "opcodes");
	const cJSON *entry = cJSON_GetObjectItem(opcodes, op);
	if (entry == NULL)
		return 0xFFFF;
	if (reg == NULL)
		return mask_of(entry);
	const cJSON *regs = cJSON_GetObjectItemCaseSensitive(entry, "reg");
	return mask_of(cJSON_GetObjectItem(regs, reg));
}

int masks_present(const struct masks *m)
{
	return m != NULL && m->root != NULL;
}

void masks_free(struct masks *m)
{
	if (m == NULL)
		return;
	cJSON_Delete(m->root);
	free(m);
}
