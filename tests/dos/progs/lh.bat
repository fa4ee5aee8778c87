@echo off
whereami
lh whereami
loadhigh whereami
whereami
LH
lh nosuch
whereami
