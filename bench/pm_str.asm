; pm_str.asm - string.asm as 32-bit protected-mode code (common.inc, PM32).
%define PM32
%include "string.asm"
