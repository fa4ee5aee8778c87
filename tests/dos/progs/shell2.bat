@echo off
rem REN: a path or drive in the new name is refused (MS-DOS 5: Invalid parameter)
md rdir
echo one> rdir\r1.txt
echo two> r2.txt
ren r2.txt ..\rdir\x.txt
ren r2.txt rdir\x.txt
ren r2.txt C:x.txt
rem the new name lies in the directory of the old one
ren rdir\r1.txt r3.txt
ren r2.txt r4.txt
dir /b rdir
dir /b r?.txt
