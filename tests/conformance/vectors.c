/*
 * vectors.c - reading single-step CPU test vectors (*.json.gz); see vectors.h.
 */
#include "vectors.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

const char *const vec_reg_names[VR_COUNT] = {
	"ax", "bx", "cx", "dx", "cs", "ss", "ds", "es",
	"sp", "bp", "si", "di", "ip", "flags",
};

struct vec_file {
	gzFile gz;
	char *line;          /* line buffer (line mode) */
	size_t cap;
	bool pending;        /* line holds a test line not yet returned */
	bool whole_mode;     /* the file was parsed as one array */
	cJSON *whole;        /* whole mode: the array */
	cJSON *cur;          /* whole mode: the next element */
	long index;          /* index of the next test */
	long lineno;         /* line mode: number of the line in `line` */
};

static void set_err(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
	if (err == NULL || errlen == 0)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

static const char *gz_message(gzFile gz)
{
	int errnum = Z_OK;
	const char *msg = gzerror(gz, &errnum);
	if (errnum == Z_ERRNO)
		return strerror(errno);
	return msg != NULL ? msg : "read error";
}

/* Read one whole line into f->line. Returns its length, -1 at EOF, -2 on error. */
static long read_line(struct vec_file *f)
{
	size_t len = 0;
	for (;;) {
		if (f->cap - len < 2) {
			size_t ncap = f->cap * 2;
			char *n = realloc(f->line, ncap);
			if (n == NULL)
				return -2;
			f->line = n;
			f->cap = ncap;
		}
		size_t room = f->cap - len;
		if (room > INT_MAX)
			room = INT_MAX;
		if (gzgets(f->gz, f->line + len, (int)room) == NULL) {
			if (len > 0)
				break;
			int errnum = Z_OK;
			gzerror(f->gz, &errnum);
			return errnum == Z_OK ? -1 : -2;
		}
		len += strlen(f->line + len);
		if (len > 0 && f->line[len - 1] == '\n')
			break;
	}
	f->lineno++;
	return (long)len;
}

/* Trim blanks and a trailing comma in place; returns the start. */
static char *trim(char *s, size_t *len)
{
	size_t n = *len;
	while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == ' ' ||
	                 s[n - 1] == '\t' || s[n - 1] == ','))
		n--;
	s[n] = '\0';
	while (*s == ' ' || *s == '\t') {
		s++;
		n--;
	}
	*len = n;
	return s;
}

/* Does the trimmed line hold one complete test object? */
static bool is_object_line(const char *s, size_t n)
{
	return n >= 2 && s[0] == '{' && s[n - 1] == '}';
}

static int load_whole(struct vec_file *f, char *err, size_t errlen)
{
	if (gzrewind(f->gz) != 0) {
		set_err(err, errlen, "cannot rewind: %s", gz_message(f->gz));
		return -1;
	}
	size_t cap = 1u << 20, len = 0;
	char *buf = malloc(cap);
	if (buf == NULL) {
		set_err(err, errlen, "out of memory");
		return -1;
	}
	for (;;) {
		if (cap - len < (1u << 16)) {
			char *n = realloc(buf, cap * 2);
			if (n == NULL) {
				free(buf);
				set_err(err, errlen, "out of memory");
				return -1;
			}
			buf = n;
			cap *= 2;
		}
		int got = gzread(f->gz, buf + len, (unsigned)(cap - len));
		if (got < 0) {
			set_err(err, errlen, "read error: %s", gz_message(f->gz));
			free(buf);
			return -1;
		}
		if (got == 0)
			break;
		len += (size_t)got;
	}
	f->whole = cJSON_ParseWithLength(buf, len);
	free(buf);
	if (!cJSON_IsArray(f->whole)) {
		set_err(err, errlen, "not a JSON array of tests");
		return -1;
	}
	f->whole_mode = true;
	f->cur = f->whole->child;
	return 0;
}

int vec_open(struct vec_file **out, const char *path, char *err, size_t errlen)
{
	*out = NULL;
	struct vec_file *f = calloc(1, sizeof(*f));
	if (f == NULL) {
		set_err(err, errlen, "out of memory");
		return -1;
	}
	f->cap = 1u << 14;
	f->line = malloc(f->cap);
	if (f->line == NULL) {
		free(f);
		set_err(err, errlen, "out of memory");
		return -1;
	}
	f->gz = gzopen(path, "rb");
	if (f->gz == NULL) {
		set_err(err, errlen, "cannot open: %s", errno ? strerror(errno) : "gzopen failed");
		vec_close(f);
		return -1;
	}
	gzbuffer(f->gz, 1u << 17);

	/* Line mode if the layout is "[" then one complete object per line. */
	bool line_mode = false;
	long n = read_line(f);
	if (n >= 0) {
		size_t len = (size_t)n;
		const char *s = trim(f->line, &len);
		if (len == 1 && s[0] == '[') {
			n = read_line(f);
			if (n >= 0) {
				len = (size_t)n;
				s = trim(f->line, &len);
				if (len == 1 && s[0] == ']') {
					line_mode = true;      /* empty array */
				} else if (is_object_line(s, len)) {
					line_mode = true;
					f->pending = true;
				}
			}
		}
	}
	if (n == -2) {
		set_err(err, errlen, "read error: %s", gz_message(f->gz));
		vec_close(f);
		return -1;
	}
	if (!line_mode && load_whole(f, err, errlen) != 0) {
		vec_close(f);
		return -1;
	}
	*out = f;
	return 0;
}

void vec_close(struct vec_file *f)
{
	if (f == NULL)
		return;
	if (f->gz != NULL)
		gzclose(f->gz);
	cJSON_Delete(f->whole);
	free(f->line);
	free(f);
}

void vec_test_free(struct vec_test *t)
{
	free(t->init_ram.v);
	free(t->final_ram.v);
	t->init_ram = (struct vec_ram_list){0};
	t->final_ram = (struct vec_ram_list){0};
}

/* ---- conversion of one parsed object ---- */

static bool get_uint(const cJSON *o, const char *key, double max, uint32_t *out)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(o, key);
	if (!cJSON_IsNumber(it))
		return false;
	double v = it->valuedouble;
	if (!(v >= 0 && v <= max) || v != (double)(uint32_t)v)
		return false;
	*out = (uint32_t)v;
	return true;
}

static int parse_ram(const cJSON *state, struct vec_ram_list *l, const char *what,
                     char *err, size_t errlen)
{
	l->n = 0;
	const cJSON *ram = cJSON_GetObjectItemCaseSensitive(state, "ram");
	if (ram == NULL)
		return 0;
	if (!cJSON_IsArray(ram)) {
		set_err(err, errlen, "%s.ram is not an array", what);
		return -1;
	}
	const cJSON *pair;
	cJSON_ArrayForEach(pair, ram) {
		const cJSON *a = cJSON_GetArrayItem(pair, 0);
		const cJSON *b = cJSON_GetArrayItem(pair, 1);
		if (!cJSON_IsArray(pair) || !cJSON_IsNumber(a) || !cJSON_IsNumber(b) ||
		    !(a->valuedouble >= 0 && a->valuedouble <= 4294967295.0) ||
		    !(b->valuedouble >= 0 && b->valuedouble <= 255)) {
			set_err(err, errlen, "%s.ram has a bad [address, byte] entry", what);
			return -1;
		}
		if (l->n == l->cap) {
			size_t ncap = l->cap ? l->cap * 2 : 64;
			struct vec_ram *n = realloc(l->v, ncap * sizeof(*n));
			if (n == NULL) {
				set_err(err, errlen, "out of memory");
				return -1;
			}
			l->v = n;
			l->cap = ncap;
		}
		l->v[l->n++] = (struct vec_ram){(uint32_t)a->valuedouble, (uint8_t)b->valuedouble};
	}
	return 0;
}

static void copy_string(char *dst, size_t size, const cJSON *o, const char *key)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(o, key);
	const char *s = cJSON_GetStringValue(it);
	snprintf(dst, size, "%s", s != NULL ? s : "");
}

static int convert(const cJSON *o, struct vec_test *t, char *err, size_t errlen)
{
	if (!cJSON_IsObject(o)) {
		set_err(err, errlen, "test is not a JSON object");
		return -1;
	}
	copy_string(t->name, sizeof(t->name), o, "name");
	copy_string(t->hash, sizeof(t->hash), o, "hash");

	t->nbytes = 0;
	const cJSON *bytes = cJSON_GetObjectItemCaseSensitive(o, "bytes"), *b;
	cJSON_ArrayForEach(b, bytes) {
		if (t->nbytes < VEC_MAX_BYTES && cJSON_IsNumber(b))
			t->bytes[t->nbytes++] = (uint8_t)b->valueint;
	}

	const cJSON *init = cJSON_GetObjectItemCaseSensitive(o, "initial");
	const cJSON *fin = cJSON_GetObjectItemCaseSensitive(o, "final");
	if (!cJSON_IsObject(init) || !cJSON_IsObject(fin)) {
		set_err(err, errlen, "missing \"initial\" or \"final\" object");
		return -1;
	}
	const cJSON *iregs = cJSON_GetObjectItemCaseSensitive(init, "regs");
	const cJSON *fregs = cJSON_GetObjectItemCaseSensitive(fin, "regs");
	t->fin_present = 0;
	for (int r = 0; r < VR_COUNT; r++) {
		uint32_t v;
		if (!get_uint(iregs, vec_reg_names[r], 65535, &v)) {
			set_err(err, errlen, "initial.regs.%s missing or not a 16-bit value",
			        vec_reg_names[r]);
			return -1;
		}
		t->init[r] = (uint16_t)v;
		t->fin[r] = (uint16_t)v;
		if (cJSON_GetObjectItemCaseSensitive(fregs, vec_reg_names[r]) != NULL) {
			if (!get_uint(fregs, vec_reg_names[r], 65535, &v)) {
				set_err(err, errlen, "final.regs.%s is not a 16-bit value",
				        vec_reg_names[r]);
				return -1;
			}
			t->fin[r] = (uint16_t)v;
			t->fin_present |= 1u << r;
		}
	}
	if (parse_ram(init, &t->init_ram, "initial", err, errlen) != 0 ||
	    parse_ram(fin, &t->final_ram, "final", err, errlen) != 0)
		return -1;

	const cJSON *exc = cJSON_GetObjectItemCaseSensitive(o, "exception");
	t->has_exception = exc != NULL;
	t->exception_number = 0;
	t->flag_address = 0;
	if (exc != NULL) {
		uint32_t v;
		if (get_uint(exc, "number", 255, &v))
			t->exception_number = v;
		if (get_uint(exc, "flag_address", 4294967295.0, &v))
			t->flag_address = v;
	}
	return 0;
}

int vec_next(struct vec_file *f, struct vec_test *t, char *err, size_t errlen)
{
	t->index = f->index;
	if (f->whole_mode) {
		if (f->cur == NULL)
			return 0;
		const cJSON *o = f->cur;
		f->cur = f->cur->next;
		f->index++;
		return convert(o, t, err, errlen) == 0 ? 1 : -1;
	}

	for (;;) {
		if (!f->pending) {
			long n = read_line(f);
			if (n == -1)
				return 0;
			if (n == -2) {
				set_err(err, errlen, "read error: %s", gz_message(f->gz));
				return -2;
			}
		}
		f->pending = false;
		size_t len = strlen(f->line);
		char *s = trim(f->line, &len);
		if (len == 0 || (len == 1 && (s[0] == '[' || s[0] == ']')))
			continue;
		f->index++;
		cJSON *o = cJSON_ParseWithLength(s, len);
		if (o == NULL) {
			set_err(err, errlen, "line %ld: invalid JSON", f->lineno);
			return -1;
		}
		int rc = convert(o, t, err, errlen);
		cJSON_Delete(o);
		return rc == 0 ? 1 : -1;
	}
}
