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
rem DIR /W: rows of five 15-column names (75 characters: no wrap at 80)
md wdir
echo a> wdir\a2345678.txt
echo b> wdir\b2345678.txt
echo c> wdir\c2345678.txt
echo d> wdir\d2345678.txt
echo e> wdir\e2345678.txt
echo f> wdir\f2345678.txt
echo g> wdir\g2345678.txt
echo h> wdir\h2345678.txt
echo i> wdir\i2345678.txt
echo j> wdir\j2345678.txt
echo k> wdir\k2345678.txt
echo l> wdir\l2345678.txt
dir /w wdir
dir /b wdir
rem every internal command answers /? with its syntax; HELP lists them
for %%c in (CALL CD CHDIR CLS COPY DATE DEL DIR ECHO ERASE EXIT FOR GOTO HELP IF LH LOADHIGH MD MKDIR PATH PAUSE PROMPT RD REM REN RENAME RMDIR SET SHIFT START TIME TYPE VER VOL) do %%c /?
help
help ren
help nosuch
