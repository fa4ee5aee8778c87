/*
 * vm_hello.c - virtual DOS machines inside your own program, built on the
 * installed libmvdm (pkg-config mvdm): one VM with the DOS kernel runs a
 * DOS program from a host directory; what it writes on the console comes
 * back through a callback and is printed here.
 *
 *   cc vm_hello.c $(pkg-config --cflags --libs mvdm) -rdynamic -o vm_hello
 *   ./vm_hello DIR PROGRAM
 *
 * (-rdynamic: plug-in VDDs, if a VM loads any, call back into the library.)
 */
#include <stdio.h>

#include <mvdm/dos.h>
#include <mvdm/vm16.h>

static void console_write(void *ctx, const uint8_t *buf, size_t len)
{
	fwrite(buf, 1, len, ctx);
}

static int console_read(void *ctx, uint8_t *b)
{
	(void)ctx;
	(void)b;
	return 0; /* no input: end of file */
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: vm_hello DIR PROGRAM\n");
		return 2;
	}
	struct vm16_config vc;
	vm16_config_default(&vc);
	struct vm *vm;
	struct dos *dos = NULL;
	char err[256];
	if (vm16_create(&vc, &vm, err, sizeof(err)) < 0) {
		fprintf(stderr, "vm_hello: %s\n", err);
		return 1;
	}
	struct dos_config dc;
	dos_config_default(&dc);
	dc.drives['C' - 'A'] = argv[1];
	dc.console.ctx = stdout;
	dc.console.write = console_write;
	dc.console.read = console_read;
	int rc = dos_create(vm, &dc, &dos, err, sizeof(err));
	if (rc == 0)
		rc = dos_start(dos, argv[2], "", err, sizeof(err));
	if (rc < 0) {
		fprintf(stderr, "vm_hello: %s\n", err);
		dos_destroy(dos);
		vm16_destroy(vm);
		return 1;
	}
	enum vm16_stop why;
	unsigned slices = 0;
	while ((why = vm16_run(vm, 1000000)) == VM16_STOP_SLICE || why == VM16_STOP_IDLE)
		if (++slices > 10000) /* a program that never ends */
			break;
	int code = why == VM16_STOP_EXIT ? vm16_exit_code(vm) : 1;
	if (why == VM16_STOP_FAULT)
		fprintf(stderr, "vm_hello: %s\n", vm16_error(vm));
	printf("exit code %d\n", code);
	dos_destroy(dos);
	vm16_destroy(vm);
	return code;
}
