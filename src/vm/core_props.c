/*
 * core_props.c - the DOS settings of the monitor and the DOS kernel, in one
 * table (the VDDs register their own with their vdd_ops). They are checked
 * and listed like every other setting (settings.c). Three mirror a field
 * of a control block: a setting the configuration gives wins over the
 * field, and otherwise the setting shows the field's value, so that the
 * listing always has the value in effect:
 *   CPU_MODEL   <-> vm16_config.cpu
 *   DOS_MEMORY  <-> vm16_config.mem_4k (KiB = mem_4k * 4)
 *   EXTENDED_MEMORY <-> vm16_config.ext_kb
 *   DOS_VERSION <-> dos_config.version_major/minor (src/dos/kernel.c)
 * CPU_SPEED and DOS_BACKGROUND_EXECUTION are stored for the host that runs
 * the VM (the server's scheduler reads them with vdd_property()).
 */
#include "vm/vm_internal.h"

/* Choice index -> CPU model; the 8088 runs as the 8086 (same instruction
 * set and timing model here; cpu_model_parse knows it as an alias) but
 * for its 4-byte prefetch queue (vm.c: VM_CPU_CHOICE_8088). */
static const char *const cpu_choices[] = { "8086", "8088", "80186", "80286", "80386", "80486", NULL };
static const enum vm16_cpu cpu_of_choice[] = { VM16_CPU_8086, VM16_CPU_8086, VM16_CPU_80186, VM16_CPU_80286,
					       VM16_CPU_80386, VM16_CPU_80486 };
static const int64_t choice_of_cpu[] = { [VM16_CPU_8086] = 0, [VM16_CPU_80186] = 2, [VM16_CPU_80286] = 3,
					 [VM16_CPU_80386] = 4, [VM16_CPU_80486] = 5 };
/* The choices are cpu_model_parse() names, in the order of enum vm16_cpu
 * (with the 8088 as the 8086): a new model goes into all three tables. */
_Static_assert(sizeof(cpu_of_choice) / sizeof(cpu_of_choice[0]) == sizeof(cpu_choices) / sizeof(cpu_choices[0]) - 1,
	       "one CPU model per CPU_MODEL choice");

/* FPU choices, in enum cpu_fpu order. The default is the model's: the
 * 8087 with the 8086/8088/80186, the 80287 with the 80286, the 80387 with
 * the 80386, the 486's own (a 387 to programs). */
static const char *const fpu_choices[] = { "none", "8087", "80287", "80387", NULL };
static const enum cpu_fpu fpu_of_cpu[] = { [VM16_CPU_8086] = CPU_FPU_8087, [VM16_CPU_80186] = CPU_FPU_8087,
					   [VM16_CPU_80286] = CPU_FPU_80287, [VM16_CPU_80386] = CPU_FPU_80387,
					   [VM16_CPU_80486] = CPU_FPU_80387 };

/* JIT choices (src/cpu/jit.h): auto is the build's default (CPU_JIT_DEFAULT,
 * or the MVDM_JIT environment variable). */
static const char *const jit_choices[] = { "auto", "off", "force", NULL };

const struct vm_core_prop vm_core_props[] = {
	{ "vm", { .name = "CPU_MODEL", .type = VDD_PROP_CHOICE, .def = 4, .choices = cpu_choices,
		  .help = "the processor programs see: 8086 (or 8088), 80186, 80286, 80386 or 80486" } },
	{ "vm", { .name = "FPU", .type = VDD_PROP_CHOICE, .def = 3, .choices = fpu_choices,
		  .help = "the numeric coprocessor: none, 8087, 80287 or 80387 (default: the CPU model's; the "
			  "80486 has its own, a 387 to programs)" } },
	{ "vm", { .name = "CPU_PREFETCH", .type = VDD_PROP_BOOL, .def = 0,
		  .help = "model the processor's prefetch queue (4 bytes on the 8088, 6 on the 8086 to 80286, 16 "
			  "on the 80386, 32 on the 80486): a write to code the queue already holds runs as it was "
			  "until a jump; off (the default): every write is seen at once, as on a Pentium" } },
	{ "vm", { .name = "JIT", .type = VDD_PROP_CHOICE, .def = 0, .choices = jit_choices,
		  .help = "compile hot code to host code (x86-64 hosts): auto (the build's default), off, or force "
			  "(every block, for tests)" } },
	{ "vm", { .name = "DOS_MEMORY", .type = VDD_PROP_INT, .def = 640, .min = 64, .max = 640, .step = 4,
		  .help = "conventional memory in KiB (a multiple of 4)" } },
	{ "vm", { .name = "EXTENDED_MEMORY", .type = VDD_PROP_INT, .def = 16384, .min = 0, .max = VM16_EXT_KB_MAX,
		  .step = 64,
		  .help = "memory above 1 MiB in KiB, the HMA included (80286 and later, at most 15296 on the "
			  "80286; a multiple of 64)" } },
	{ "vm", { .name = "CPU_SPEED", .type = VDD_PROP_INT, .def = 0, .min = 0, .max = 100000, .live = true,
		  .help = "speed cap in MIPS (millions of instructions per second of host time); 0 = unlimited" } },
	{ "vm", { .name = "DOS_BACKGROUND_EXECUTION", .type = VDD_PROP_BOOL, .def = 1, .live = true,
		  .help = "keeps running while no client is attached (off: the server pauses it then)" } },
	{ "vm", { .name = "CODE_SHARING", .type = VDD_PROP_BOOL, .def = 1,
		  .help = "decoded code outlives the program and is shared with the other VMs of the host "
			  "(found by its bytes: a program run again is not decoded again); off: the VM "
			  "decodes all it runs itself" } },
	{ "vm", { .name = "CODE_CACHE_SIZE", .type = VDD_PROP_INT, .def = 16384, .min = 64, .max = 16384, .step = 64,
		  .help = "KiB at most for the VM's own decoded code (a full cache is emptied and fills again, "
			  "from the shared store when CODE_SHARING is on)" } },
	{ "dos", { .name = "DOS_VERSION", .type = VDD_PROP_INT, .def = 500, .min = 200, .max = 999,
		   .help = "the DOS version programs see (INT 21h/30h), X.YY: 3.30 (3.3 and 330 say the same)" } },
	{ "dos", { .name = "DOS_HIGH", .type = VDD_PROP_BOOL, .def = 0,
		   .help = "DOS keeps its tables in the HMA (DOS=HIGH): more conventional memory, no HMA for XMS" } },
	{ "dos", { .name = "DOS_UMB", .type = VDD_PROP_BOOL, .def = 0,
		   .help = "DOS takes the upper memory blocks for its arena (DOS=UMB): LOADHIGH, INT 21h/5803h" } },
	{ "dos", { .name = "DISK_QUOTA", .type = VDD_PROP_INT, .def = 0, .min = 0, .max = INT64_C(1) << 40,
		   .help = "KiB the VM may add to its drives, net of what it deletes (the free space DOS "
			   "reports); 0 = no limit" } },
};
const size_t vm_ncore_props = sizeof(vm_core_props) / sizeof(vm_core_props[0]);

void vm_core_settings_apply(struct vm *vm)
{
	if (vm_setting_given(vm, "CPU_MODEL"))
		vm->cfg.cpu = cpu_of_choice[vdd_property(vm, "CPU_MODEL")];
	else
		vm_setting_store(vm, "CPU_MODEL", choice_of_cpu[vm->cfg.cpu]);
	if (vm_setting_given(vm, "FPU"))
		vm->fpu = (uint8_t)vdd_property(vm, "FPU");
	else
		vm->fpu = (uint8_t)fpu_of_cpu[vm->cfg.cpu];
	vm_setting_store(vm, "FPU", vm->fpu);
	vm->jit = (uint8_t)vdd_property(vm, "JIT");
	if (vm_setting_given(vm, "DOS_MEMORY"))
		vm->cfg.mem_4k = (uint32_t)(vdd_property(vm, "DOS_MEMORY") / 4);
	else
		vm_setting_store(vm, "DOS_MEMORY", (int64_t)vm->cfg.mem_4k * 4);
	if (vm_setting_given(vm, "EXTENDED_MEMORY"))
		vm->cfg.ext_kb = (uint32_t)vdd_property(vm, "EXTENDED_MEMORY");
	if (vm->cfg.cpu < VM16_CPU_80286)
		vm->cfg.ext_kb = 0; /* no address lines above 1 MiB */
	else if (vm->cfg.cpu == VM16_CPU_80286 && vm->cfg.ext_kb > VM16_EXT_KB_MAX_286)
		vm->cfg.ext_kb = VM16_EXT_KB_MAX_286; /* 24 address lines, the ROM at the top */
	vm_setting_store(vm, "EXTENDED_MEMORY", vm->cfg.ext_kb);
}
