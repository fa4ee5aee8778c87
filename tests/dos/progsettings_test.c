/*
 * progsettings_test.c - per-program settings files (src/dos/progsettings.c)
 * on a temporary tree: precedence (default < file next to the program <
 * user file < request) and the source of each value, case-insensitive
 * file names, comments and spaces, errors naming file and line, the user
 * configuration directory, and finding a DOS program's host file (and
 * handing the drives it was found on to the kernel that runs it).
 *
 * Tree (T = mkdtemp):
 *   T/prog/hello.com  T/prog/HELLO.COM.MVDM   T/prog/tool.exe   T/prog/sub/
 *   T/bin/util.com    T/cfg/mvdm/programs/Hello.Com.mvdm
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mvdm/progsettings.h"
#include "common/sha256.h"
#include "dos/dos_internal.h"
#include "dos/hostfs.h"
#include "mvdm/vm16.h"

struct fixture {
	char tmp[64];
	char path[1024]; /* scratch */
	struct progsettings *ps;
	char err[1024];
};

static const char *in(struct fixture *f, const char *rel)
{
	snprintf(f->path, sizeof(f->path), "%s/%s", f->tmp, rel);
	return f->path;
}

static void write_file(struct fixture *f, const char *rel, const char *text)
{
	FILE *fp = fopen(in(f, rel), "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	snprintf(f->tmp, sizeof(f->tmp), "/tmp/mvdm-progset-XXXXXX");
	if (!mkdtemp(f->tmp))
		return -1;
	static const char *const dirs[] = { "prog", "prog/sub", "bin", "cfg", "cfg/mvdm", "cfg/mvdm/programs" };
	for (size_t k = 0; k < sizeof(dirs) / sizeof(dirs[0]); k++)
		mkdir(in(f, dirs[k]), 0755);
	write_file(f, "prog/hello.com", "\xCD\x20");
	write_file(f, "prog/tool.exe", "MZ");
	write_file(f, "bin/util.com", "\xCD\x20");
	if (progsettings_create(&f->ps) < 0)
		return -1;
	*state = f;
	return 0;
}

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(p);
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	progsettings_destroy(f->ps);
	nftw(f->tmp, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	free(f);
	return 0;
}

static const char *source_of(struct fixture *f, const char *name)
{
	const char *src = NULL;
	progsettings_get(f->ps, name, NULL, &src);
	return src;
}

static int64_t value_of(struct fixture *f, const char *name)
{
	int64_t v = -1;
	assert_true(progsettings_get(f->ps, name, &v, NULL));
	return v;
}

static void test_precedence(void **state)
{
	struct fixture *f = *state;
	write_file(f, "prog/HELLO.COM.MVDM", "DOS_VERSION=330\nDOS_MEMORY=512\nCPU_MODEL=80286\n");
	write_file(f, "cfg/mvdm/programs/Hello.Com.mvdm", "DOS_MEMORY=256\nCPU_MODEL=80186\n");
	char prog[1024], cfg[1024], next[1100], user[1100];
	snprintf(prog, sizeof(prog), "%s", in(f, "prog/hello.com"));
	snprintf(cfg, sizeof(cfg), "%s", in(f, "cfg"));
	snprintf(next, sizeof(next), "file:%s", in(f, "prog/HELLO.COM.MVDM"));
	snprintf(user, sizeof(user), "file:%s", in(f, "cfg/mvdm/programs/Hello.Com.mvdm"));
	assert_int_equal(progsettings_load_program(f->ps, prog, cfg, f->err, sizeof(f->err)), 0);
	assert_int_equal(progsettings_set(f->ps, "cpu_model=8088", "request", f->err, sizeof(f->err)), 0);

	assert_int_equal(value_of(f, "DOS_VERSION"), 330);  /* only next to the program */
	assert_string_equal(source_of(f, "DOS_VERSION"), next);
	assert_int_equal(value_of(f, "DOS_MEMORY"), 256);   /* the user's file wins over it */
	assert_string_equal(source_of(f, "DOS_MEMORY"), user);
	assert_int_equal(value_of(f, "CPU_MODEL"), 1);      /* the request wins over both: 8088 */
	assert_string_equal(source_of(f, "cpu_model"), "request");
	assert_false(progsettings_get(f->ps, "CPU_SPEED", NULL, NULL));
	assert_string_equal(source_of(f, "CPU_SPEED"), "default");

	/* The list for vm16_config.settings: canonical names and values, in
	 * the order they were first given, accepted by the catalog. */
	const char *const *list = progsettings_list(f->ps);
	assert_string_equal(list[0], "DOS_VERSION=3.30");
	assert_string_equal(list[1], "DOS_MEMORY=256");
	assert_string_equal(list[2], "CPU_MODEL=8088");
	assert_null(list[3]);
	assert_int_equal(vm16_settings_check(list, f->err, sizeof(f->err)), 0);

	/* Without a configuration directory only the program's file counts. */
	struct progsettings *ps2;
	assert_int_equal(progsettings_create(&ps2), 0);
	assert_int_equal(progsettings_load_program(ps2, prog, NULL, f->err, sizeof(f->err)), 0);
	int64_t v;
	assert_true(progsettings_get(ps2, "DOS_MEMORY", &v, NULL));
	assert_int_equal(v, 512);
	progsettings_destroy(ps2);
}

static void test_no_files(void **state)
{
	struct fixture *f = *state;
	char prog[1024];
	snprintf(prog, sizeof(prog), "%s", in(f, "prog/tool.exe"));
	assert_int_equal(progsettings_load_program(f->ps, prog, in(f, "cfg"), f->err, sizeof(f->err)), 0);
	assert_null(progsettings_list(f->ps)[0]);
	/* A file for another program does not count (hello.com's, here). */
	write_file(f, "prog/hello.com.mvdm", "DOS_VERSION=330\n");
	assert_int_equal(progsettings_load_program(f->ps, prog, NULL, f->err, sizeof(f->err)), 0);
	assert_null(progsettings_list(f->ps)[0]);
}

static void test_case_insensitive(void **state)
{
	struct fixture *f = *state;
	/* The program named in upper case, its file in lower case. */
	write_file(f, "prog/tool.exe.mvdm", "VIDEO_MODE_RESTRICTION=mono\n");
	char prog[1024];
	snprintf(prog, sizeof(prog), "%s", in(f, "prog/TOOL.EXE"));
	assert_int_equal(progsettings_load_program(f->ps, prog, NULL, f->err, sizeof(f->err)), 0);
	assert_int_equal(value_of(f, "video_mode_restriction"), 2);
	assert_string_equal(progsettings_list(f->ps)[0], "VIDEO_MODE_RESTRICTION=MONO");
	/* An exact-case twin is preferred to the other spellings. */
	write_file(f, "prog/TOOL.EXE.mvdm", "VIDEO_MODE_RESTRICTION=color\n");
	write_file(f, "prog/TOOL.EXE.MVDM", "VIDEO_MODE_RESTRICTION=none\n");
	snprintf(prog, sizeof(prog), "%s", in(f, "prog/tool.exe"));
	assert_int_equal(progsettings_load_program(f->ps, prog, NULL, f->err, sizeof(f->err)), 0);
	assert_int_equal(value_of(f, "VIDEO_MODE_RESTRICTION"), 2);
}

static void test_comments_and_spaces(void **state)
{
	struct fixture *f = *state;
	write_file(f, "prog/hello.com.mvdm",
		   "# a comment\r\n"
		   "; another = not a setting\r\n"
		   "\r\n"
		   "   \t\r\n"
		   "  DOS_VERSION  =  620  \r\n"
		   "\tkbd_numlock=YES\r\n"
		   "  # indented comment\n"
		   "CPU_SPEED=0x10\n"
		   "DOS_VERSION=710\n"); /* the last one wins */
	char prog[1024];
	snprintf(prog, sizeof(prog), "%s", in(f, "prog/hello.com"));
	assert_int_equal(progsettings_load_program(f->ps, prog, NULL, f->err, sizeof(f->err)), 0);
	assert_int_equal(value_of(f, "DOS_VERSION"), 710);
	assert_int_equal(value_of(f, "KBD_NUMLOCK"), 1);
	assert_int_equal(value_of(f, "CPU_SPEED"), 16);
	const char *const *list = progsettings_list(f->ps);
	assert_string_equal(list[0], "DOS_VERSION=7.10");
	assert_string_equal(list[1], "KBD_NUMLOCK=on");
	assert_string_equal(list[2], "CPU_SPEED=16");
	assert_null(list[3]);
}

static void expect_error(struct fixture *f, const char *text, int rc, const char *line_why)
{
	write_file(f, "prog/hello.com.mvdm", text);
	char prog[1024], want[1200];
	snprintf(prog, sizeof(prog), "%s", in(f, "prog/hello.com"));
	snprintf(want, sizeof(want), "%s:%s", in(f, "prog/hello.com.mvdm"), line_why);
	f->err[0] = 0;
	assert_int_equal(progsettings_load_program(f->ps, prog, NULL, f->err, sizeof(f->err)), rc);
	if (!strstr(f->err, want))
		fail_msg("error \"%s\" does not contain \"%s\"", f->err, want);
}

static void test_errors(void **state)
{
	struct fixture *f = *state;
	expect_error(f, "# ok\nDOS_VERSION=330\nIDLE_SECONDS=5\n", -ENOENT, "3: unknown setting IDLE_SECONDS");
	expect_error(f, "DOS_MEMORY=130\n", -ERANGE, "1: setting DOS_MEMORY must be a multiple of 4 (got 130)");
	expect_error(f, "\n\nDOS_VERSION=1000\n", -ERANGE, "3: setting DOS_VERSION must be 2.00 to 9.99");
	expect_error(f, "KBD_NUMLOCK=sometimes\n", -EINVAL, "1: setting KBD_NUMLOCK takes on or off");
	expect_error(f, "CPU_MODEL=Z80\n", -EINVAL, "1: setting CPU_MODEL takes 8086, 8088, 80186, 80286, 80386 or 80486");
	expect_error(f, "DOS_VERSION 330\n", -EINVAL, "1: \"DOS_VERSION 330\" is not NAME=VALUE");
	expect_error(f, "DOS_VERSION=3.x\n", -EINVAL, "1: setting DOS_VERSION takes a DOS version");
	expect_error(f, "DOS_VERSION=35\n", -EINVAL, "1: setting DOS_VERSION takes a DOS version");
	expect_error(f, "=5\n", -EINVAL, "1: a setting without a name");
	expect_error(f, "CPU_SPEED=\n", -EINVAL, "1: setting CPU_SPEED takes a number");
	/* A file with an error is not applied at all. */
	assert_null(progsettings_list(f->ps)[0]);
	/* Errors of a request name no file. */
	assert_int_equal(progsettings_set(f->ps, "NOPE=1", "request", f->err, sizeof(f->err)), -ENOENT);
	assert_string_equal(f->err, "unknown setting NOPE");
	assert_int_equal(progsettings_set(f->ps, "DOS_VERSION", "request", f->err, sizeof(f->err)), -EINVAL);
	/* A file that cannot be read names itself. */
	assert_int_equal(progsettings_load_file(f->ps, in(f, "prog/none.mvdm"), f->err, sizeof(f->err)), -ENOENT);
	assert_non_null(strstr(f->err, "none.mvdm: "));
}

/* SHA-256 itself: the examples of FIPS 180-2 appendix B. */
static void test_sha256_vectors(void **state)
{
	struct fixture *f = *state;
	char hex[65];
	write_file(f, "abc.bin", "abc");
	assert_int_equal(sha256_file_hex(in(f, "abc.bin"), hex), 0);
	assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	write_file(f, "two.bin", "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq");
	assert_int_equal(sha256_file_hex(in(f, "two.bin"), hex), 0);
	assert_string_equal(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	write_file(f, "empty.bin", "");
	assert_int_equal(sha256_file_hex(in(f, "empty.bin"), hex), 0);
	assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	assert_int_equal(sha256_file_hex(in(f, "missing.bin"), hex), -ENOENT);
}

/* The user's file by contents wins over the one by name, and only for
 * the program with those contents: two SETUP.EXE keep apart. */
static void test_by_contents(void **state)
{
	struct fixture *f = *state;
	mkdir(in(f, "game1"), 0755);
	mkdir(in(f, "game2"), 0755);
	write_file(f, "game1/setup.exe", "MZ game one");
	write_file(f, "game2/setup.exe", "MZ game two");
	char hex[65], name[128], cfg[1024];
	assert_int_equal(sha256_file_hex(in(f, "game1/setup.exe"), hex), 0);
	snprintf(name, sizeof(name), "cfg/mvdm/programs/SETUP.EXE.%.16s.mvdm", hex);
	write_file(f, name, "DOS_VERSION=6.22\n");
	write_file(f, "cfg/mvdm/programs/setup.exe.mvdm", "DOS_VERSION=4.0\nDOS_MEMORY=512\n");
	snprintf(cfg, sizeof(cfg), "%s", in(f, "cfg"));
	char prog[1024];
	snprintf(prog, sizeof(prog), "%s", in(f, "game1/setup.exe"));
	assert_int_equal(progsettings_load_program(f->ps, prog, cfg, f->err, sizeof(f->err)), 0);
	assert_int_equal(value_of(f, "DOS_VERSION"), 622);
	assert_int_equal(value_of(f, "DOS_MEMORY"), 512);
	hex[16] = 0; /* the file is named by the first 16 digits */
	assert_non_null(strstr(source_of(f, "DOS_VERSION"), hex));
	/* The files looked at, in order, and which exist. */
	char files[PROGSETTINGS_MAX_FILES][PROGSETTINGS_PATH];
	bool exists[PROGSETTINGS_MAX_FILES];
	assert_int_equal(progsettings_program_files(prog, cfg, files, exists, PROGSETTINGS_MAX_FILES), 3);
	assert_false(exists[0]);
	assert_true(exists[1] && exists[2]);
	assert_non_null(strstr(files[2], hex));

	struct progsettings *other;
	assert_int_equal(progsettings_create(&other), 0);
	snprintf(prog, sizeof(prog), "%s", in(f, "game2/setup.exe"));
	assert_int_equal(progsettings_load_program(other, prog, cfg, f->err, sizeof(f->err)), 0);
	int64_t v = 0;
	assert_true(progsettings_get(other, "DOS_VERSION", &v, NULL));
	assert_int_equal(v, 400);
	progsettings_destroy(other);
}

static void test_config_dir(void **state)
{
	(void)state;
	char dir[64];
	assert_int_equal(progsettings_config_dir("/x/cfg", "/home/u", dir, sizeof(dir)), 0);
	assert_string_equal(dir, "/x/cfg");
	assert_int_equal(progsettings_config_dir("relative", "/home/u", dir, sizeof(dir)), 0); /* XDG: ignored */
	assert_string_equal(dir, "/home/u/.config");
	assert_int_equal(progsettings_config_dir("", "/home/u", dir, sizeof(dir)), 0);
	assert_string_equal(dir, "/home/u/.config");
	assert_int_equal(progsettings_config_dir(NULL, NULL, dir, sizeof(dir)), -ENOENT);
	assert_int_equal(progsettings_config_dir(NULL, "", dir, sizeof(dir)), -ENOENT);
	char small[8];
	assert_int_equal(progsettings_config_dir(NULL, "/home/user", small, sizeof(small)), -ENAMETOOLONG);
}

static void test_program_host_path(void **state)
{
	struct fixture *f = *state;
	struct dos_config dc;
	dos_config_default(&dc);
	char c[1024], d[1024], host[4096], want[1100], real[1024];
	snprintf(c, sizeof(c), "%s", in(f, "prog"));
	snprintf(d, sizeof(d), "%s", in(f, "bin"));
	assert_non_null(realpath(c, real));
	dc.drives[2] = c;
	dc.drives[3] = d;
	/* Extensions are tried; the current directory is C:'s root. */
	assert_int_equal(dos_program_host_path(&dc, "HELLO", host, sizeof(host), f->err, sizeof(f->err)), 0);
	snprintf(want, sizeof(want), "%s/hello.com", real);
	assert_string_equal(host, want);
	assert_int_equal(dos_program_host_path(&dc, "c:\\tool.exe", host, sizeof(host), f->err, sizeof(f->err)), 0);
	snprintf(want, sizeof(want), "%s/tool.exe", real);
	assert_string_equal(host, want);
	/* Along the PATH only when it is given. */
	assert_int_equal(dos_program_host_path(&dc, "UTIL", host, sizeof(host), f->err, sizeof(f->err)), -ENOENT);
	assert_non_null(strstr(f->err, "UTIL: program not found"));
	dc.env[0] = "PATH=Z:\\;D:\\";
	dc.nenv = 1;
	assert_int_equal(dos_program_host_path(&dc, "UTIL", host, sizeof(host), f->err, sizeof(f->err)), 0);
	assert_non_null(strstr(host, "/bin/util.com"));
	/* The built-in command interpreter has no host file. */
	assert_int_equal(dos_program_host_path(&dc, "Z:\\COMMAND.COM", host, sizeof(host), f->err, sizeof(f->err)), 0);
	assert_string_equal(host, "");
	/* A directory is not a program; an unmapped drive is an error. */
	assert_int_equal(dos_program_host_path(&dc, "C:\\SUB", host, sizeof(host), f->err, sizeof(f->err)), -ENOENT);
	dc.drives[4] = "/nonexistent/dir";
	assert_true(dos_program_host_path(&dc, "HELLO", host, sizeof(host), f->err, sizeof(f->err)) < 0);
	assert_non_null(strstr(f->err, "drive E:"));
	struct dos_config none;
	dos_config_default(&none);
	assert_int_equal(dos_program_host_path(&none, "HELLO", host, sizeof(host), f->err, sizeof(f->err)), -EINVAL);
}

/* Runs vm until its first program ends; its DOS return code. */
static int run_exit_code(struct vm *vm)
{
	for (int k = 0; k < 1000; k++) {
		enum vm16_stop st = vm16_run(vm, 1000000);
		if (st == VM16_STOP_EXIT)
			return vm16_exit_code(vm);
		assert_true(st == VM16_STOP_SLICE || st == VM16_STOP_IDLE);
	}
	fail_msg("the program did not end");
	return -1;
}

/* A kernel on the drives a lookup kept (dos_config.mapped): dos_start()
 * of program, which exits with `code`; `reads` is how many directory
 * listings the drives have read in all by then (the lookup's included). */
static void kernel_on_kept(struct dos_config *dc, struct dos_drives *dr, const char *program, int code,
			   unsigned long reads)
{
	struct vm16_config vc;
	vm16_config_default(&vc);
	struct vm *vm;
	char err[256];
	assert_int_equal(vm16_create(&vc, &vm, err, sizeof(err)), 0);
	struct dos *d;
	dc->mapped = dr;
	assert_int_equal(dos_create(vm, dc, &d, err, sizeof(err)), 0);
	dc->mapped = NULL;
	assert_int_equal(hostfs_listing_reads(d->fs), 1); /* the lookup's, and no mapping anew */
	assert_int_equal(dos_start(d, program, "", err, sizeof(err)), 0);
	assert_int_equal(hostfs_listing_reads(d->fs), reads);
	assert_int_equal(run_exit_code(vm), code);
	dos_destroy(d);
	vm16_destroy(vm);
}

/* dos_program_host_path_keep(): the kernel made next takes over the
 * drives the program was looked up on, with the listing read for it, so
 * loading the program reads no directory again; the listing is still
 * checked against its directory (a program made after the lookup is
 * found). Kept drives go with a failed dos_create() too (the ASan build's
 * leak check), or with dos_drives_free(). */
static void test_kept_drives(void **state)
{
	struct fixture *f = *state;
	struct dos_config dc;
	dos_config_default(&dc);
	char c[1024], host[4096];
	snprintf(c, sizeof(c), "%s", in(f, "prog"));
	dc.drives[2] = c;
	struct dos_drives *dr = NULL;
	assert_int_equal(dos_program_host_path_keep(&dc, "HELLO", host, sizeof(host), f->err, sizeof(f->err), &dr), 0);
	assert_non_null(dr);
	assert_non_null(strstr(host, "/hello.com"));
	kernel_on_kept(&dc, dr, "HELLO", 0, 1); /* hello.com: INT 20h */

	/* A program written after the lookup: its directory changed, so it
	 * is read again and the program found. */
	assert_int_equal(dos_program_host_path_keep(&dc, "HELLO", host, sizeof(host), f->err, sizeof(f->err), &dr), 0);
	write_file(f, "prog/seven.com", "\xB8\x07\x4C\xCD\x21"); /* mov ax, 4C07h; int 21h */
	kernel_on_kept(&dc, dr, "SEVEN", 7, 2);

	/* Not found: the drives are kept all the same (dos_start says so). */
	assert_int_equal(dos_program_host_path_keep(&dc, "NOSUCH", host, sizeof(host), f->err, sizeof(f->err), &dr),
			 -ENOENT);
	assert_non_null(dr);
	dos_drives_free(dr);
	dos_drives_free(NULL);

	/* A dos_create() that fails frees them. */
	assert_int_equal(dos_program_host_path_keep(&dc, "HELLO", host, sizeof(host), f->err, sizeof(f->err), &dr), 0);
	struct vm16_config vc;
	vm16_config_default(&vc);
	struct vm *vm;
	char err[256];
	assert_int_equal(vm16_create(&vc, &vm, err, sizeof(err)), 0);
	struct dos *d = NULL;
	dc.env[0] = "NO_EQUALS_SIGN";
	dc.nenv = 1;
	dc.mapped = dr;
	assert_int_equal(dos_create(vm, &dc, &d, err, sizeof(err)), -EINVAL);
	assert_null(d);
	vm16_destroy(vm);

	/* A drive that cannot be mapped: nothing is kept. */
	dc.nenv = 0;
	dc.mapped = NULL;
	dc.drives[4] = "/nonexistent/dir";
	dr = (struct dos_drives *)&dc;
	assert_true(dos_program_host_path_keep(&dc, "HELLO", host, sizeof(host), f->err, sizeof(f->err), &dr) < 0);
	assert_null(dr);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_sha256_vectors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_by_contents, setup, teardown),
		cmocka_unit_test_setup_teardown(test_precedence, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_files, setup, teardown),
		cmocka_unit_test_setup_teardown(test_case_insensitive, setup, teardown),
		cmocka_unit_test_setup_teardown(test_comments_and_spaces, setup, teardown),
		cmocka_unit_test_setup_teardown(test_errors, setup, teardown),
		cmocka_unit_test(test_config_dir),
		cmocka_unit_test_setup_teardown(test_program_host_path, setup, teardown),
		cmocka_unit_test_setup_teardown(test_kept_drives, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
