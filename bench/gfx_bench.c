/*
 * gfx_bench.c - the graphics benchmark: mode13.com (a mode 13h program that
 * rewrites the whole screen once per vertical retrace) in a VM paced to
 * real time at 100 MIPS of virtual time (the VM's default clock: the 70 Hz
 * retrace is then 70 Hz of wall time), with its picture shown in an SDL2
 * window (when a display is there, else rendered only) at most 70 times a
 * second, as `mvdm run --console=window` does.
 *
 *   mvdm-gfxbench [--no-window] [--seconds S] MODE13.COM
 *
 * Prints: frames the program drew per wall second, pictures shown per
 * second, and the share of one core spent on rendering (vm16_frame and
 * the window's texture upload and present, thread CPU time) and in all
 * (process CPU time). A figure, never a verdict.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "console/window.h"
#include "mvdm/vm16.h"
#include "vmload.h"

static double mono_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static double cpu_s(clockid_t id)
{
	struct timespec ts;
	clock_gettime(id, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	bool want_window = true;
	double seconds = 10;
	int i = 1;
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "--no-window") == 0)
			want_window = false;
		else if (strcmp(argv[i], "--seconds") == 0 && i + 1 < argc)
			seconds = atof(argv[++i]);
	}
	if (i >= argc) {
		fprintf(stderr, "usage: mvdm-gfxbench [--no-window] [--seconds S] MODE13.COM\n");
		return 2;
	}
	struct vm16_config cfg;
	vm16_config_default(&cfg);
	cfg.pace_idle = true;
	char err[256];
	struct vm *vm = vmload_com(argv[i], &cfg, err, sizeof(err));
	if (!vm) {
		fprintf(stderr, "mvdm-gfxbench: %s\n", err);
		return 2;
	}
	/* INT 21h without DOS: the program's exit (AH=4Ch) ends the VM (SVC 2). */
	static const uint8_t int21[] = { 0xF4, 0x02, 0xFD };
	vm16_load_image(vm, 0x0F00, 0, int21, sizeof(int21));
	uint8_t vec[4] = { 0, 0, 0x00, 0x0F };
	vm16_write(vm, 0x21 * 4, vec, 4);

	struct window *w = NULL;
	if (want_window && window_display_available() && window_open(&w, "mvdm-gfxbench", err, sizeof(err)) < 0)
		fprintf(stderr, "mvdm-gfxbench: no window (%s): rendering only\n", err);
	struct window_input in = { 0 };
	double start = mono_s(), cpu0 = cpu_s(CLOCK_PROCESS_CPUTIME_ID), render = 0, last_show = 0;
	uint64_t vstart = vm16_clock_ns(vm), serial = 0;
	unsigned shown = 0;
	for (;;) {
		enum vm16_stop why = vm16_run(vm, 200000);
		double now = mono_s();
		if (why == VM16_STOP_EXIT || why == VM16_STOP_FAULT || now - start >= seconds)
			break;
		if (now - last_show >= 1.0 / 70) {
			double t0 = cpu_s(CLOCK_THREAD_CPUTIME_ID);
			struct vm16_frame fr;
			if (vm16_frame(vm, &fr, serial) == 0 && fr.serial != serial) {
				if (w)
					window_draw(w, &fr);
				serial = fr.serial;
				shown++;
			}
			render += cpu_s(CLOCK_THREAD_CPUTIME_ID) - t0;
			last_show = now;
			if (w)
				window_poll(w, &in, 0);
		}
		/* Real time pacing: virtual time may not run ahead of wall time;
		 * a VM that waits (the retrace) sleeps until its next event. */
		double ahead = (double)(vm16_clock_ns(vm) - vstart) / 1e9 - (now - start);
		if (why == VM16_STOP_IDLE) {
			uint64_t ns = vm16_idle_ns(vm);
			double want = ns == UINT64_MAX ? 0.001 : (double)ns / 1e9;
			/* Sleep until the event, less what the VM is behind. */
			if (want + ahead > 0.0001)
				usleep((useconds_t)((want + ahead) * 1e6));
			double after = mono_s();
			double vnow = (double)(vm16_clock_ns(vm) - vstart) / 1e9;
			if (after - start > vnow)
				vm16_pass_time(vm, (uint64_t)((after - start - vnow) * 1e9));
		} else if (ahead > 0.001) {
			usleep((useconds_t)(ahead * 1e6));
		}
	}
	double wall = mono_s() - start, cpu = cpu_s(CLOCK_PROCESS_CPUTIME_ID) - cpu0;
	uint8_t cnt[2];
	vm16_read(vm, 0x10102, cnt, 2);
	unsigned frames = (unsigned)(cnt[0] | cnt[1] << 8);
	printf("frames drawn by the program: %u in %.2f s = %.1f per second (virtual time %.2f s)\n", frames, wall,
	       frames / wall, (double)(vm16_clock_ns(vm) - vstart) / 1e9);
	printf("pictures shown%s: %u = %.1f per second\n", w ? " in the window" : " (rendered, no window)", shown,
	       shown / wall);
	printf("rendering: %.2f%% of a core; the whole process: %.1f%% of a core\n", 100 * render / wall,
	       100 * cpu / wall);
	window_free(w);
	vm16_destroy(vm);
	return 0;
}
