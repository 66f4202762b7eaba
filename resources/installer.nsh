; Keybridge NSIS additions (electron-builder `nsis.include`).
; On uninstall, ask before deleting the vault and settings. Updates (which run the old uninstaller
; with --updated) and silent uninstalls (/S answers the default, No) always keep the data.
!macro customUnInstall
  ${ifNot} ${isUpdated}
    MessageBox MB_YESNO|MB_ICONQUESTION|MB_DEFBUTTON2 \
      "Also delete your Keybridge vault and settings?$\r$\n$\r$\nThis removes $APPDATA\${PRODUCT_FILENAME} including every stored credential. Choose No to keep them (for example to reinstall later)." \
      /SD IDNO IDNO keybridge_keep_data
      SetShellVarContext current
      RMDir /r "$APPDATA\${PRODUCT_FILENAME}"
    keybridge_keep_data:
  ${endIf}
!macroend
