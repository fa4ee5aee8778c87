; pm_alu32.asm - alu32.asm as 32-bit protected-mode code (common.inc, PM32).
%define PM32
%include "alu32.asm"
