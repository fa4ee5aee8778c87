@echo off
sort < fruit.txt > sorted.txt
echo sorted, then the lines with "an":
type sorted.txt | find "an"
echo appended >> sorted.txt
sort /R < fruit.txt | find /V "e" | more
