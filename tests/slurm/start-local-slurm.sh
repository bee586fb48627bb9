#!/usr/bin/env bash
# Starts a single-node Slurm "cluster" on this machine, for trying `research sweep --launcher slurm` and for
# the integration tests in category "Slurm". Debian 12, as root. Idempotent: re-running it leaves running
# daemons alone, only restarting them when the configuration it writes has changed.
#
#   sudo bash tests/slurm/start-local-slurm.sh      # then: sinfo; sbatch --wrap hostname
#
# What it does: installs slurm-wlm and munge with apt when missing (without letting the packages start
# services), writes /etc/slurm/slurm.conf for one node "localhost" (every CPU, memory less 2 GiB, partition
# "debug", no cgroups, no accounting database), starts munged, slurmctld and slurmd directly (no systemd
# needed) and waits until the node is idle. Logs: /var/log/slurm/. Stop everything with
#   bash tests/slurm/start-local-slurm.sh --stop
set -euo pipefail

conf_dir=/etc/slurm
conf=$conf_dir/slurm.conf
log_dir=/var/log/slurm
spool=/var/spool/slurm-local
run_dir=/run/slurm-local
ctld_pid=$run_dir/slurmctld.pid
slurmd_pid=$run_dir/slurmd.pid

say() { echo "start-local-slurm: $*"; }
die() { echo "start-local-slurm: error: $*" >&2; exit 1; }

# The pid in file $1 is a live process (not a zombie left unreaped by a minimal init).
alive() {
    local pid
    [[ -s $1 ]] && pid=$(cat "$1") && [[ -r /proc/$pid/stat ]] || return 1
    [[ $(awk '{ print $3 }' "/proc/$pid/stat" 2>/dev/null) != Z ]]
}

stop_pidfile() {
    local name=$1 file=$2
    if alive "$file"; then
        say "stopping $name (pid $(cat "$file"))"
        kill "$(cat "$file")"
        for _ in $(seq 50); do alive "$file" || break; sleep 0.2; done
    fi
    rm -f "$file"
}

munge_pidfile() { echo /run/munge/munged.pid; }

if [[ ${1:-} == --stop ]]; then
    stop_pidfile slurmd "$slurmd_pid"
    stop_pidfile slurmctld "$ctld_pid"
    stop_pidfile munged "$(munge_pidfile)"
    exit 0
fi
[[ $# -eq 0 ]] || die "usage: $0 [--stop]"
[[ $(id -u) -eq 0 ]] || die "run as root (it installs packages and starts daemons)"

# --- packages -------------------------------------------------------------------------------------------
missing=()
for cmd in slurmctld slurmd sbatch munged; do command -v "$cmd" >/dev/null || missing+=("$cmd"); done
if ((${#missing[@]})); then
    say "installing slurm-wlm and munge (missing: ${missing[*]})"
    # Keep the packages' maintainer scripts from starting daemons with their default configuration; this
    # script starts them itself. Only when no policy is in place already.
    policy=/usr/sbin/policy-rc.d
    own_policy=0
    if [[ ! -e $policy ]]; then
        printf '#!/bin/sh\nexit 101\n' >"$policy"
        chmod +x "$policy"
        own_policy=1
    fi
    trap 'if [[ $own_policy -eq 1 ]]; then rm -f "$policy"; fi' EXIT
    export DEBIAN_FRONTEND=noninteractive
    # Wait for another apt or dpkg run (up to 10 minutes) rather than fail on its lock.
    apt-get -o DPkg::Lock::Timeout=600 update -qq
    apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends slurm-wlm munge >/dev/null
    if [[ $own_policy -eq 1 ]]; then rm -f "$policy"; fi
    own_policy=0
fi

# --- configuration --------------------------------------------------------------------------------------
cpus=$(nproc)
mem_total=$(free -m | awk '/^Mem:/ { print $2 }')
real_mem=$((mem_total > 4096 ? mem_total - 2048 : mem_total / 2))   # leave room for the daemons and the OS
mkdir -p "$conf_dir" "$log_dir" "$spool/ctld" "$spool/d" "$run_dir"
new_conf=$(cat <<EOF
# Written by tests/slurm/start-local-slurm.sh: one node, this machine. Do not edit by hand (it is rewritten).
ClusterName=research-local
SlurmctldHost=localhost
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
SlurmctldPort=6817
SlurmdPort=6818
StateSaveLocation=$spool/ctld
SlurmdSpoolDir=$spool/d
SlurmctldPidFile=$ctld_pid
SlurmdPidFile=$slurmd_pid
SlurmctldLogFile=$log_dir/slurmctld.log
SlurmdLogFile=$log_dir/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
MpiDefault=none
ReturnToService=2
MinJobAge=600
MaxArraySize=10001
SlurmctldTimeout=30
SlurmdTimeout=60
NodeName=localhost NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$real_mem State=UNKNOWN
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP
EOF
)
changed=0
if [[ ! -f $conf ]] || [[ $(cat "$conf") != "$new_conf" ]]; then
    [[ -f $conf ]] && cp "$conf" "$conf.bak"
    printf '%s\n' "$new_conf" >"$conf"
    changed=1
    say "wrote $conf (CPUs=$cpus RealMemory=$real_mem)"
fi

# --- munge ----------------------------------------------------------------------------------------------
if ! munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then
    if [[ ! -s /etc/munge/munge.key ]]; then
        say "creating /etc/munge/munge.key"
        mungekey --create --keyfile /etc/munge/munge.key 2>/dev/null ||
            dd if=/dev/urandom bs=1 count=1024 of=/etc/munge/munge.key status=none
    fi
    chown munge:munge /etc/munge/munge.key
    chmod 0400 /etc/munge/munge.key
    install -d -o munge -g munge -m 0755 /run/munge
    install -d -o munge -g munge -m 0700 /var/lib/munge /var/log/munge
    say "starting munged"
    runuser -u munge -- /usr/sbin/munged
    for _ in $(seq 50); do munge -n 2>/dev/null | unmunge >/dev/null 2>&1 && break; sleep 0.2; done
    munge -n | unmunge >/dev/null || die "munged does not answer (see /var/log/munge/munged.log)"
fi

# --- slurmctld and slurmd -------------------------------------------------------------------------------
if ((changed)); then
    stop_pidfile slurmd "$slurmd_pid"
    stop_pidfile slurmctld "$ctld_pid"
fi
if ! alive "$ctld_pid"; then
    say "starting slurmctld"
    slurmctld
fi
for _ in $(seq 100); do scontrol ping 2>/dev/null | grep -q 'is UP' && break; sleep 0.2; done
scontrol ping | grep -q 'is UP' || die "slurmctld does not answer (see $log_dir/slurmctld.log)"
if ! alive "$slurmd_pid"; then
    say "starting slurmd"
    slurmd -N localhost
fi

# --- wait until the node takes jobs ---------------------------------------------------------------------
for i in $(seq 150); do
    state=$(sinfo -h -n localhost -o '%T' 2>/dev/null || true)
    case $state in
        idle|mixed|allocated) say "node localhost is $state"; sinfo; exit 0 ;;
        down*|drain*|drained*)
            # A restarted daemon can leave the node down ("Node unexpectedly rebooted"); it is healthy here.
            ((i % 10 == 1)) && scontrol update NodeName=localhost State=RESUME 2>/dev/null || true ;;
    esac
    sleep 0.2
done
die "node localhost did not become idle (state: ${state:-unknown}; see $log_dir/slurmd.log)"
