/*
 * profile_test.c - profile files (mvdm/profile.h): each section, the
 * lookup by name, relative and ~ paths, and every error naming its line.
 */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "mvdm/profile.h"

static char tmp[64];

static int setup(void **state)
{
	(void)state;
	snprintf(tmp, sizeof(tmp), "/tmp/mvdm-profile-XXXXXX");
	if (!mkdtemp(tmp))
		return -1;
	char p[128];
	snprintf(p, sizeof(p), "%s/games", tmp);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/home", tmp);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/home/dos", tmp);
	mkdir(p, 0755);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmp);
	return system(cmd) == 0 ? 0 : -1;
}

static struct profile *parse_ok(const char *text)
{
	char home[128], err[512];
	snprintf(home, sizeof(home), "%s/home", tmp);
	struct profile *p = NULL;
	int rc = profile_parse(text, strlen(text), "t.profile", tmp, home, &p, err, sizeof(err));
	if (rc)
		fprintf(stderr, "unexpected: %s\n", err);
	assert_int_equal(rc, 0);
	return p;
}

static void parse_bad(const char *text, size_t len, const char *want)
{
	char err[512] = "";
	struct profile *p = (struct profile *)1;
	assert_true(profile_parse(text, len, "t.profile", tmp, NULL, &p, err, sizeof(err)) < 0);
	assert_null(p);
	if (!strstr(err, want)) {
		fprintf(stderr, "error \"%s\" lacks \"%s\"\n", err, want);
		fail();
	}
}

static void test_sections(void **state)
{
	(void)state;
	struct profile *p = parse_ok("# a comment\r\n"
				     "DOS_VERSION = 3.3\r\n"
				     "[drives]\n"
				     "c=games\n"
				     "D: = ~/dos\n"
				     "; another comment\n"
				     "[ENV]\n"
				     "PATH=C:\\;C:\\UTIL\n"
				     "BLASTER = A220 I5 D1\n"
				     "[settings]\n"
				     "CPU_MODEL=80286\n"
				     "[autoexec]\n"
				     "@ECHO OFF\n"
				     "  SET X=1  \n"
				     "\n"
				     "# not a comment here: a command\n");
	char want[PATH_MAX], real[PATH_MAX];
	snprintf(want, sizeof(want), "%s/games", tmp);
	assert_non_null(realpath(want, real));
	assert_string_equal(profile_drive(p, 2), real);
	snprintf(want, sizeof(want), "%s/home/dos", tmp);
	assert_non_null(realpath(want, real));
	assert_string_equal(profile_drive(p, 3), real);
	assert_null(profile_drive(p, 0));
	assert_null(profile_drive(p, 26));
	const char *const *env = profile_env(p);
	assert_string_equal(env[0], "PATH=C:\\;C:\\UTIL");
	assert_string_equal(env[1], "BLASTER=A220 I5 D1");
	assert_null(env[2]);
	const char *const *set = profile_settings(p);
	assert_string_equal(set[0], "DOS_VERSION=3.3");
	assert_string_equal(set[1], "CPU_MODEL=80286");
	assert_null(set[2]);
	assert_string_equal(profile_autoexec(p), "@ECHO OFF\r\nSET X=1\r\n# not a comment here: a command\r\n");
	assert_string_equal(profile_name(p), "t.profile");
	profile_destroy(p);
	p = parse_ok("");
	assert_null(profile_autoexec(p));
	assert_null(profile_env(p)[0]);
	profile_destroy(p);
}

static void test_errors(void **state)
{
	(void)state;
	parse_bad("DOS_VERSION=3.x\n", 16, "t.profile:1: setting DOS_VERSION takes a DOS version");
	parse_bad("\nNO_SUCH=1\n", 11, "t.profile:2: unknown setting NO_SUCH");
	parse_bad("[drive]\n", 8, "t.profile:1: unknown section [drive]");
	parse_bad("[drives]\nCC=/\n", 14, "t.profile:2: drive \"CC\" is not a letter");
	parse_bad("[drives]\nC=/nonexistent/dir\n", 27, "t.profile:2: drive C: /nonexistent/dir");
	parse_bad("[drives]\nC=~/dos\n", 16, "no HOME for ~");
	parse_bad("[drives]\nC\n", 11, "LETTER=DIRECTORY");
	parse_bad("[env]\nNOEQUALS\n", 15, "t.profile:2: an environment variable is NAME=VALUE");
	parse_bad("[env]\nA B=1\n", 12, "has a space");
	parse_bad("DOS_VERSION=5.0\n[env]\nX=a\0b\n", 27, "t.profile:3: a NUL byte");
	parse_bad("[autoexec]\nECHO \x01\n", 18, "control character");
	char big[2100];
	memset(big, 'A', sizeof(big) - 2);
	big[0] = '#';
	big[sizeof(big) - 2] = '\n';
	big[sizeof(big) - 1] = 0;
	parse_bad(big, strlen(big), "t.profile:1: line longer than");
	/* [autoexec] beyond its limit. */
	size_t n = 11 + 60 * 100;
	char *text = malloc(n + 1);
	strcpy(text, "[autoexec]\n");
	for (int k = 0; k < 100; k++)
		strcat(text, "ECHO aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n");
	parse_bad(text, strlen(text), "[autoexec] is longer than 4096 bytes");
	free(text);
	parse_bad("x", PROFILE_MAX_SIZE + 1, "larger than");
}

static void test_find_and_load(void **state)
{
	(void)state;
	char out[PATH_MAX], err[512];
	assert_int_equal(profile_find("games", "/cfg", out, sizeof(out), err, sizeof(err)), 0);
	assert_string_equal(out, "/cfg/mvdm/profiles/games.profile");
	assert_int_equal(profile_find("./my.profile", "/cfg", out, sizeof(out), err, sizeof(err)), 0);
	assert_string_equal(out, "./my.profile");
	assert_int_equal(profile_find("x.profile", NULL, out, sizeof(out), err, sizeof(err)), 0);
	assert_string_equal(out, "x.profile");
	assert_int_equal(profile_find("games", NULL, out, sizeof(out), err, sizeof(err)), -ENOENT);
	assert_int_equal(profile_find("", "/cfg", out, sizeof(out), err, sizeof(err)), -EINVAL);
	char small[8];
	assert_int_equal(profile_find("games", "/cfg", small, sizeof(small), err, sizeof(err)), -ENAMETOOLONG);

	/* profile_load: relative drive paths from the file's directory. */
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/games/g.profile", tmp);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs("[drives]\nC=.\n", f);
	fclose(f);
	struct profile *p;
	assert_int_equal(profile_load(path, NULL, &p, err, sizeof(err)), 0);
	char want[PATH_MAX], real[PATH_MAX];
	snprintf(want, sizeof(want), "%s/games", tmp);
	assert_non_null(realpath(want, real));
	assert_string_equal(profile_drive(p, 2), real);
	profile_destroy(p);
	snprintf(path, sizeof(path), "%s/none.profile", tmp);
	assert_int_equal(profile_load(path, NULL, &p, err, sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, "none.profile"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sections),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_find_and_load),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
