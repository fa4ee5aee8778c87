echo off
echo DOS 2.0 COMMAND.COM runs this batch
sort < fruit.txt > out2.txt
find "an" fruit.txt >> out2.txt
if exist out2.txt echo out2.txt written
ver
