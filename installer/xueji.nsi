; 学籍桌面 — Windows installer (NSIS 3, Unicode, Simplified Chinese interface).
;
; Payload: the PyInstaller one-folder bundle (dist\xueji\: xueji.exe + _internal\). Built by
;   python installer\build.py --nsis          (passes VERSION, VERSION_QUAD, BUNDLE_DIR, OUTFILE), or by hand:
;   makensis /INPUTCHARSET UTF8 /DVERSION=0.1.0 /DVERSION_QUAD=0.1.0.0 installer\xueji.nsi
;
; - installs for all users into Program Files (64-bit) \学籍桌面, as administrator;
; - Start-menu and desktop shortcuts 「学籍管理」;
; - registers the uninstaller (Apps & features) under HKLM ...\Uninstall\XueJiDesktop;
; - upgrades in place: an older install (found through that key) is removed silently first, then this one is
;   written to the same folder;
; - neither the upgrade nor the uninstaller touch the data folder (%LOCALAPPDATA%\XueJi\XueJi, with its backups):
;   the app keeps the school's records there, never in Program Files. The uninstaller says so.

!ifdef AMD64_INSTALLER
  Target amd64-unicode  ; a 64-bit installer (tests under 64-bit-only Wine); the release uses the x86 stub
!else
  Unicode true
!endif
ManifestDPIAware true
!ifdef FAST_COMPRESSION
  SetCompressor zlib  ; build.py on Linux: the payload only proves the script compiles, LZMA would cost 2.5 minutes
!else
  SetCompressor /SOLID lzma
!endif
RequestExecutionLevel admin

!ifndef VERSION
  !define VERSION "0.0.0"
!endif
!ifndef VERSION_QUAD
  !define VERSION_QUAD "0.0.0.0"
!endif
!ifndef BUNDLE_DIR
  !define BUNDLE_DIR "..\dist\xueji"
!endif
!ifndef OUTFILE
  !define OUTFILE "..\dist\xueji-${VERSION}-setup.exe"
!endif
!ifndef ICON
  !define ICON "..\resources\icons\xueji.ico"
!endif

!define APP_NAME "学籍桌面"
!define SHORTCUT_NAME "学籍管理"
!define PUBLISHER "XueJi"
!define EXE "xueji.exe"
!define UNINSTALLER "uninstall.exe"
!define UNINST_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\XueJiDesktop"
!define APP_KEY "Software\XueJi\XueJiDesktop"
; platformdirs.user_data_dir("XueJi", "XueJi", roaming=False) — xueji_desktop/paths.py
!define DATA_SUBDIR "XueJi\XueJi"

!include "MUI2.nsh"
!include "LogicLib.nsh"
!include "x64.nsh"
!include "FileFunc.nsh"

Name "${APP_NAME}"
Caption "${APP_NAME} ${VERSION} 安装"
UninstallCaption "${APP_NAME} 卸载"
BrandingText "${APP_NAME} ${VERSION}"
OutFile "${OUTFILE}"
InstallDir "$PROGRAMFILES64\${APP_NAME}"
ShowInstDetails show
ShowUninstDetails show

Var DataDir
Var OldVersion

; --- pages ------------------------------------------------------------------------------------------------------------

!define MUI_ICON "${ICON}"
!define MUI_UNICON "${ICON}"
!define MUI_ABORTWARNING
!define MUI_ABORTWARNING_TEXT "确定要退出${APP_NAME}安装吗？"

!define MUI_WELCOMEPAGE_TITLE "安装${APP_NAME} ${VERSION}"
!define MUI_WELCOMEPAGE_TEXT "${APP_NAME}是学校学籍管理员的离线桌面程序。$\r$\n$\r$\n安装完成后，双击桌面上的「${SHORTCUT_NAME}」即可使用，无需联网，也无需安装其他软件。$\r$\n$\r$\n如果这台电脑上已经装有旧版本，安装程序会直接升级它；学籍数据和备份保持不变。$\r$\n$\r$\n点击“下一步”继续。"
!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!define MUI_FINISHPAGE_TITLE "${APP_NAME}已安装"
!define MUI_FINISHPAGE_TEXT "桌面和开始菜单里已添加「${SHORTCUT_NAME}」。$\r$\n$\r$\n学籍数据保存在：$\r$\n$DataDir$\r$\n（程序每次打开时自动备份到其中的 backups 文件夹）"
!define MUI_FINISHPAGE_RUN
!define MUI_FINISHPAGE_RUN_TEXT "现在打开「${SHORTCUT_NAME}」"
!define MUI_FINISHPAGE_RUN_FUNCTION LaunchApp
!insertmacro MUI_PAGE_FINISH

!define MUI_UNCONFIRMPAGE_TEXT_TOP "将从这台电脑上卸载${APP_NAME}的程序文件和快捷方式。$\r$\n学籍数据文件夹及其备份会保留，不会被删除：$DataDir"
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!define MUI_FINISHPAGE_TITLE "${APP_NAME}已卸载"
!define MUI_FINISHPAGE_TEXT "程序文件和快捷方式已删除。$\r$\n$\r$\n学籍数据文件夹及其备份（backups）已保留，没有删除：$\r$\n$DataDir$\r$\n$\r$\n重新安装${APP_NAME}后会继续使用这些数据。确实不再需要时，可以手动删除这个文件夹（请先另存一份备份）。"
!insertmacro MUI_UNPAGE_FINISH

!insertmacro MUI_LANGUAGE "SimpChinese"

VIProductVersion "${VERSION_QUAD}"
VIFileVersion "${VERSION_QUAD}"
VIAddVersionKey /LANG=${LANG_SIMPCHINESE} "ProductName" "${APP_NAME}"
VIAddVersionKey /LANG=${LANG_SIMPCHINESE} "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=${LANG_SIMPCHINESE} "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=${LANG_SIMPCHINESE} "FileDescription" "${APP_NAME}安装程序"
VIAddVersionKey /LANG=${LANG_SIMPCHINESE} "CompanyName" "${PUBLISHER}"
VIAddVersionKey /LANG=${LANG_SIMPCHINESE} "LegalCopyright" "${PUBLISHER}"

; --- shared -----------------------------------------------------------------------------------------------------------

!macro DATA_DIR_OF_USER
  ; the data folder of the user who runs the installer (UAC elevation keeps the same user)
  SetShellVarContext current
  StrCpy $DataDir "$LOCALAPPDATA\${DATA_SUBDIR}"
  SetShellVarContext all
!macroend

!macro REFUSE_WHILE_RUNNING PREFIX
  Function ${PREFIX}RefuseWhileRunning
    ; a running exe cannot be opened for writing on Windows: ask the clerk to close the app first
    ${If} ${FileExists} "$INSTDIR\${EXE}"
      retry:
      ClearErrors
      FileOpen $0 "$INSTDIR\${EXE}" a
      ${If} ${Errors}
        MessageBox MB_RETRYCANCEL|MB_ICONEXCLAMATION "${APP_NAME}正在运行。请先关闭它（已保存的数据不受影响），再点击“重试”。" /SD IDCANCEL IDRETRY retry
        Abort
      ${EndIf}
      FileClose $0
    ${EndIf}
  FunctionEnd
!macroend
!insertmacro REFUSE_WHILE_RUNNING ""
!insertmacro REFUSE_WHILE_RUNNING "un."

; --- install ----------------------------------------------------------------------------------------------------------

Function .onInit
  ${IfNot} ${RunningX64}
    MessageBox MB_ICONSTOP "${APP_NAME}需要 64 位的 Windows 10 或 Windows 11。" /SD IDOK
    Abort
  ${EndIf}
  SetRegView 64
  !insertmacro DATA_DIR_OF_USER
  ; upgrade in place: install where the older version is
  ReadRegStr $0 HKLM "${UNINST_KEY}" "InstallLocation"
  ReadRegStr $OldVersion HKLM "${UNINST_KEY}" "DisplayVersion"
  ${If} $0 != ""
  ${AndIf} ${FileExists} "$0\${EXE}"
    StrCpy $INSTDIR $0
  ${EndIf}
FunctionEnd

Function RemovePrevious
  ; the older version's own uninstaller, silently, run in place (_?=) so it returns when done; it never touches the
  ; data folder. Then its leftovers go (the uninstaller itself, which _?= leaves behind).
  ReadRegStr $1 HKLM "${UNINST_KEY}" "InstallLocation"
  ${If} $1 != ""
  ${AndIf} ${FileExists} "$1\${UNINSTALLER}"
    DetailPrint "正在移除旧版本 $OldVersion（学籍数据保持不变）……"
    ExecWait '"$1\${UNINSTALLER}" /S _?=$1' $2
    Delete "$1\${UNINSTALLER}"
    RMDir "$1"
  ${EndIf}
FunctionEnd

Function LaunchApp
  ; through Explorer, so the app runs as the signed-in user, not elevated like this installer
  Exec '"$WINDIR\explorer.exe" "$INSTDIR\${EXE}"'
FunctionEnd

Section "${APP_NAME}" SecMain
  SectionIn RO
  SetShellVarContext all
  SetRegView 64
  Call RefuseWhileRunning
  Call RemovePrevious

  SetOutPath "$INSTDIR"
  File /r "${BUNDLE_DIR}\*.*"
  WriteUninstaller "$INSTDIR\${UNINSTALLER}"

  CreateShortCut "$SMPROGRAMS\${SHORTCUT_NAME}.lnk" "$INSTDIR\${EXE}" "" "$INSTDIR\${EXE}" 0 SW_SHOWNORMAL "" "${APP_NAME}"
  CreateShortCut "$DESKTOP\${SHORTCUT_NAME}.lnk" "$INSTDIR\${EXE}" "" "$INSTDIR\${EXE}" 0 SW_SHOWNORMAL "" "${APP_NAME}"

  WriteRegStr HKLM "${APP_KEY}" "InstallDir" "$INSTDIR"
  WriteRegStr HKLM "${APP_KEY}" "Version" "${VERSION}"
  WriteRegStr HKLM "${UNINST_KEY}" "DisplayName" "${APP_NAME}"
  WriteRegStr HKLM "${UNINST_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKLM "${UNINST_KEY}" "Publisher" "${PUBLISHER}"
  WriteRegStr HKLM "${UNINST_KEY}" "DisplayIcon" "$INSTDIR\${EXE},0"
  WriteRegStr HKLM "${UNINST_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKLM "${UNINST_KEY}" "UninstallString" '"$INSTDIR\${UNINSTALLER}"'
  WriteRegStr HKLM "${UNINST_KEY}" "QuietUninstallString" '"$INSTDIR\${UNINSTALLER}" /S'
  WriteRegDWORD HKLM "${UNINST_KEY}" "NoModify" 1
  WriteRegDWORD HKLM "${UNINST_KEY}" "NoRepair" 1
  ${GetSize} "$INSTDIR" "/S=0K" $0 $1 $2
  IntFmt $0 "0x%08X" $0
  WriteRegDWORD HKLM "${UNINST_KEY}" "EstimatedSize" "$0"
  DetailPrint "学籍数据文件夹：$DataDir"
SectionEnd

; --- uninstall --------------------------------------------------------------------------------------------------------

Function un.onInit
  SetRegView 64
  !insertmacro DATA_DIR_OF_USER
FunctionEnd

Section "Uninstall"
  SetShellVarContext all
  SetRegView 64
  Call un.RefuseWhileRunning

  Delete "$SMPROGRAMS\${SHORTCUT_NAME}.lnk"
  Delete "$DESKTOP\${SHORTCUT_NAME}.lnk"
  ; only what the installer wrote: never RMDir /r "$INSTDIR" (a folder chosen by hand may hold other files)
  RMDir /r "$INSTDIR\_internal"
  Delete "$INSTDIR\${EXE}"
  Delete "$INSTDIR\${UNINSTALLER}"
  RMDir "$INSTDIR"

  DeleteRegKey HKLM "${UNINST_KEY}"
  DeleteRegKey HKLM "${APP_KEY}"
  DeleteRegKey /ifempty HKLM "Software\XueJi"
  ; the rare-character font the app decompressed on first need (reference/rare_font.py) is the program's, not data
  RMDir /r "$DataDir\Cache\fonts"
  RMDir "$DataDir\Cache"
  ; the data folder (records, attachments, backups, logs) stays: the school's records outlive the program
  DetailPrint "学籍数据文件夹及其备份已保留，没有删除：$DataDir"
SectionEnd
