@echo off
echo args: %1 %2 %3
shift
echo after shift: %1
set GREETING=hello world
echo %GREETING%
md newdir
cd newdir
cd
cd ..
echo first> a.txt
echo second> b.txt
copy a.txt+b.txt c.txt
type c.txt
copy c.txt newdir
ren c.txt d.txt
dir /b *.txt
del d.txt
if exist d.txt echo d.txt still there
if not exist d.txt echo d.txt deleted
for %%x in (red green) do echo colour %%x
call sub.bat from-call
if "%1"=="two" echo compare works
exit7
if errorlevel 7 echo errorlevel is 7 or more
if not errorlevel 8 echo errorlevel below 8
goto skip
echo not shown
:skip
rd newdir
del newdir\c.txt
rd newdir
if not exist newdir\nul echo newdir removed
ver
