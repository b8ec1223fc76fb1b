// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Runtime.InteropServices;

namespace Caducee.Storage.FileBlobs;

/// <summary>POSIX calls .NET does not expose: fsync of a directory, so a rename is durable.</summary>
internal static class NativeMethods
{
    private const int ORdOnly = 0;

    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
#pragma warning disable CA2101 // UTF-8 path; libc takes char*.
    private static extern int Open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);
#pragma warning restore CA2101

    [DllImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static extern int Fsync(int fd);

    [DllImport("libc", EntryPoint = "close", SetLastError = true)]
    private static extern int Close(int fd);

    /// <summary>Flushes a directory entry to disk (no-op where not POSIX).</summary>
    public static void FsyncDirectory(string directory)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
        {
            return;
        }

        var fd = Open(directory, ORdOnly);
        if (fd < 0)
        {
            throw new IOException($"cannot open directory {directory} for fsync (errno {Marshal.GetLastPInvokeError()})");
        }

        try
        {
            if (Fsync(fd) != 0)
            {
                throw new IOException($"fsync of directory {directory} failed (errno {Marshal.GetLastPInvokeError()})");
            }
        }
        finally
        {
            _ = Close(fd);
        }
    }
}

/// <summary>Durable file operations for key and blob files (fsync of directories after renames).</summary>
public static class DurableFiles
{
    /// <summary>Flushes a directory entry to disk, so a rename or creation in it survives a crash.</summary>
    public static void FsyncDirectory(string directory) => NativeMethods.FsyncDirectory(directory);

    /// <summary>Atomically replaces <paramref name="destination"/> by <paramref name="source"/> and makes the rename durable.</summary>
    public static void Replace(string source, string destination)
    {
        File.Move(source, destination, overwrite: true);
        FsyncDirectory(Path.GetDirectoryName(Path.GetFullPath(destination))!);
    }
}
