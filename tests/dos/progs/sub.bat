@echo sub.bat got %1
