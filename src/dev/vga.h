/*
 * vga.h - the video card as the hardware has it: the IBM VGA's registers
 * (sequencer, graphics controller, CRT controller, attribute controller,
 * DAC) and its 256 KiB of planar video memory, plus the VBE linear modes
 * of an SVGA (vbe.c). Sources: IBM VGA Technical Reference (register
 * descriptions, the memory pipeline of the graphics controller), Richard
 * F. Ferraro, "Programmer's Guide to the EGA, VGA and Super VGA Cards"
 * (register tables of the BIOS modes), VESA BIOS Extension 2.0.
 *
 * Video memory: plane p's byte at address a is vram[p * 64 KiB + a]
 * (a < 64 KiB); the VBE modes use vram as one linear buffer. Every access
 * is masked to its buffer: guest register values can never make the
 * device or the renderer reach outside it.
 *
 * Files: vga_ports.c (registers), vga_mem.c (the CPU's view of video
 * memory: read/write modes, latches, chain-4, odd/even), vga_render.c (the
 * picture), vga_modes.c (register values of the BIOS modes), vgabios*.c
 * (INT 10h), vbe.c (VESA), vdd_vga.c (the VDD).
 */
#ifndef MVDM_DEV_VGA_H
#define MVDM_DEV_VGA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mvdm/vm16.h"

enum {
	VGA_PLANE_SIZE = 0x10000,
	VGA_PLANES_SIZE = 4 * VGA_PLANE_SIZE,
	VGA_MAX_W = 2048,   /* the renderer's largest picture */
	VGA_MAX_H = 1536,
};

/* VIDEO_ADAPTER: the card the VM has (the BIOS answers and the ports decode as it). */
/* The VBE linear frame buffer's physical address (above RAM). */
#define VBE_LFB_BASE 0xE0000000u

enum vga_adapter { VGA_ADAPTER_VGA = 0, VGA_ADAPTER_EGA, VGA_ADAPTER_CGA, VGA_ADAPTER_MDA, VGA_ADAPTER_HERCULES };

/* A VBE mode in effect (vbe.c): vram as a linear frame buffer. */
struct vga_linear {
	bool on;
	uint16_t width, height;
	uint8_t bpp;            /* 8, 15, 16, 24, 32 */
	uint32_t pitch;         /* bytes per scan line */
	uint32_t start;         /* display start (bytes) */
	uint32_t bank;          /* window A's position in 64 KiB granules */
	bool dac8;              /* DAC in 8-bit mode (4F08h) */
};

struct vga {
	struct vm *vm;          /* NULL in device tests: the clock is then test_ns */
	uint64_t test_ns;
	enum vga_adapter adapter;
	bool restrict_color;    /* VIDEO_MODE_RESTRICTION=COLOR: text modes 0-3 only */
	uint8_t *vram;          /* vram_size bytes, mmap'd: pages cost nothing until touched */
	uint32_t vram_size;

	uint8_t misc;           /* 3C2h / 3CCh */
	uint8_t feature;
	uint8_t seq_index, seq[8];
	uint8_t gc_index, gc[16];
	uint8_t crtc_index, crtc[32];
	uint8_t ac_index;       /* bit 5: palette address source (display on) */
	bool ac_data;           /* the 3C0h flip-flop: the next write is data */
	uint8_t ac[32];
	uint8_t dac[256][3];    /* 6-bit (or 8-bit with dac8) R, G, B */
	uint8_t pel_mask;
	uint8_t dac_write, dac_read, dac_comp, dac_state; /* state: 0 = write mode, 3 = read mode */
	uint8_t latch[4];
	uint8_t cga_mode, cga_color; /* 3D8h, 3D9h (vga_cga.c) */
	bool cga_blank;         /* 3D8h's (CGA) or 3B8h's (Hercules) video enable bit clear */
	uint8_t herc_mode, herc_config; /* 3B8h, 3BFh (vga_herc.c) */
	struct {                /* the guest polling 3DAh (vga_ports.c) */
		uint64_t last_ns;
		bool woke;             /* the last read asked for a sleep */
		uint8_t last;
		uint8_t same;
		bool ignores_hblank;
	} poll;
	struct vga_linear lin;
	struct {                /* the VBE registers at 1CEh/1CFh (vga_dispi.c) */
		uint16_t index, xres, yres, bpp, enable;
	} dispi;

	/* The picture (vga_render.c): made on the first vm16_frame(). */
	bool dirty;             /* memory or a register changed since the last render */
	uint64_t serial;
	uint32_t *frame;
	size_t frame_cap;       /* pixels */
	uint32_t frame_w, frame_h;
	unsigned phase;         /* blink phase of the last render */

	/* The video BIOS (vgabios.c). */
	uint8_t *rom;           /* 32 KiB at C000:0000 */
	uint8_t svc;            /* its INT 10h supervisor call */
	uint16_t vbe_mode;      /* the VBE mode set (0 = a BIOS mode) */
	uint32_t logged[8];     /* INT 10h functions (AH) reported as unsupported */
	struct vga_mouse *mouse;/* the INT 33h driver's cursor (mouse.c) */
};

/* The VM's virtual time (test_ns without a VM). */
uint64_t vga_now_ns(const struct vga *v);

/* ---- vga_ports.c ---- */
uint8_t vga_port_in(struct vga *v, uint16_t port);
void vga_port_out(struct vga *v, uint16_t port, uint8_t val);
/* Bits of input status 1 (3DAh) at virtual time ns: 0 = display disabled
 * (horizontal or vertical blanking), 3 = vertical retrace. */
uint8_t vga_status1(const struct vga *v, uint64_t ns);
/* The first time after ns at which the status bits in mask change. */
uint64_t vga_status1_next(const struct vga *v, uint64_t ns, uint8_t mask);
/* The CRTC's port base: 3D0h (colour) or 3B0h (mono), from misc bit 0. */
uint16_t vga_crtc_base(const struct vga *v);

/* ---- vga_mem.c: the CPU's window A0000h-BFFFFh ---- */
uint8_t vga_mem_read(struct vga *v, uint32_t addr);
void vga_mem_write(struct vga *v, uint32_t addr, uint8_t val);
/* Plane p's byte at a (masked to the plane): for the BIOS and renderer. */
static inline uint8_t *vga_plane(struct vga *v, unsigned p, uint32_t a)
{
	return v->vram + ((p & 3u) * VGA_PLANE_SIZE) + (a & (VGA_PLANE_SIZE - 1));
}

/* ---- vga_render.c ---- */
/* The picture now: re-rendered when something changed. 0 or -ENOMEM. */
int vga_frame(struct vga *v, struct vm16_frame *f, uint64_t since);
/* The 18-bit DAC colour as 0x00RRGGBB (6-bit values scaled to 8 bits). */
uint32_t vga_dac_rgb(const struct vga *v, uint8_t index);

/* ---- vga_dispi.c ---- */
/* The VBE registers: port 1CEh (index) or 1CFh (data), 16 bits. */
uint16_t vga_dispi_read(struct vga *v, uint16_t port);
void vga_dispi_write(struct vga *v, uint16_t port, uint16_t val);

/* ---- vga_herc.c ---- */
/* The Hercules card's mode control (3B8h) and configuration (3BFh). */
void vga_herc_mode_out(struct vga *v, uint8_t val);
void vga_herc_config_out(struct vga *v, uint8_t val);
/* Is the picture the Hercules graphics page? */
bool vga_herc_graphics(const struct vga *v);
/* Offset of addr in the card's window (B0000h, 32 or 64 KiB), or -1. */
int32_t vga_herc_window(const struct vga *v, uint32_t addr);
/* The graphics picture's size, and the picture into v->frame. */
void vga_herc_size(const struct vga *v, uint32_t *w, uint32_t *h);
void vga_herc_render(struct vga *v);

/* An MDA or a Hercules card: text mode 07h, no EGA/VGA registers. */
static inline bool vga_mono_card(const struct vga *v)
{
	return v->adapter == VGA_ADAPTER_MDA || v->adapter == VGA_ADAPTER_HERCULES;
}

/* ---- vga_cga.c ---- */
/* Writes to the CGA's mode control (3D8h) and colour select (3D9h): on a
 * CGA they set the modes and palettes; elsewhere they are only kept. */
void vga_cga_mode_out(struct vga *v, uint8_t val);
void vga_cga_color_out(struct vga *v, uint8_t val);
/* The shadows after a BIOS mode set (no register is touched). */
void vga_cga_sync(struct vga *v, uint8_t mode_control, uint8_t color_select);

/* ---- vga_modes.c ---- */
/* The register values of BIOS mode `mode` (00h-07h, 0Dh-13h) into the
 * registers; false for a mode the card has not. Memory is not touched. */
bool vga_load_mode_regs(struct vga *v, uint8_t mode);
/* The default palettes into the DAC: the 64 EGA colours (16-colour and
 * text modes), the VGA's 256-colour table, or greys (monochrome). */
void vga_load_dac(struct vga *v, uint8_t mode);
/* Is `mode` one of this card's BIOS modes? */
bool vga_mode_exists(const struct vga *v, uint8_t mode);

#endif
