; pm_alu.asm - alu.asm as 32-bit protected-mode code (common.inc, PM32).
%define PM32
%include "alu.asm"
