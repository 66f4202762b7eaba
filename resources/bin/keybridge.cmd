@echo off
rem The `keybridge` command of the installed desktop app: Keybridge.exe in CLI mode (--cli).
"%~dp0..\..\Keybridge.exe" --cli %*
exit /b %ERRORLEVEL%
