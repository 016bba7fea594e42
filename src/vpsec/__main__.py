from vpsec.cli import main

main()
