package pgcluster

import "syscall"

// withDeathSignal has the child sent SIGQUIT (PostgreSQL's immediate
// shutdown) when the thread that started it ends.
func withDeathSignal(a *syscall.SysProcAttr) *syscall.SysProcAttr {
	a.Pdeathsig = syscall.SIGQUIT
	return a
}
