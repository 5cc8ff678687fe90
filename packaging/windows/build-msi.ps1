# Build the signed MSI on a Windows build machine (PowerShell 7 or Windows PowerShell 5.1):
#   .\packaging\windows\build-msi.ps1 -Thumbprint <certificate SHA-1 thumbprint>
# Needs: uv (https://docs.astral.sh/uv/), the WiX Toolset v5 .NET tool (`dotnet tool install --global wix`),
# and signtool.exe from the Windows SDK with the force's code-signing certificate in the certificate store.
# Without -Thumbprint the MSI is built unsigned (for a test machine only: AppLocker publisher rules need it signed).
param(
    [string]$Thumbprint = "",
    [string]$TimestampUrl = "http://timestamp.digicert.com"  # use the force's or its CA's RFC 3161 service
)
$ErrorActionPreference = "Stop"
$root = Resolve-Path (Join-Path $PSScriptRoot "..\..")
Set-Location $root

# 1. The one-folder build and its self-test (the same line as on Linux).
uv run python packaging/build.py --check
if ($LASTEXITCODE -ne 0) { throw "The frozen build or its self-test failed." }
$app = Join-Path $root "dist\MSHTDesk"
$version = (uv run python -c "import tomllib; print(tomllib.load(open('pyproject.toml','rb'))['project']['version'])").Trim()

function Sign([string[]]$files) {
    if (-not $Thumbprint) { return }
    & signtool sign /sha1 $Thumbprint /fd SHA256 /tr $TimestampUrl /td SHA256 /d "MSHT Desk" $files
    if ($LASTEXITCODE -ne 0) { throw "signtool failed" }
    & signtool verify /pa /all $files
    if ($LASTEXITCODE -ne 0) { throw "signature check failed" }
}

# 2. Sign the two executables before they go into the MSI, so AppLocker/WDAC publisher rules match them.
Sign @((Join-Path $app "MSHTDesk.exe"), (Join-Path $app "mshtdesk.com"))

# 3. The MSI, then its own signature.
$msi = Join-Path $root "dist\MSHTDesk-$version.msi"
wix build packaging\windows\MSHTDesk.wxs -arch x64 -d "Version=$version" -bindpath "App=$app" -bindpath "Icons=$(Join-Path $root 'build\icon')" -o $msi
if ($LASTEXITCODE -ne 0) { throw "wix build failed" }
Sign @($msi)
Write-Host "Built $msi"
